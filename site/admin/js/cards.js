// Tables become cards on a phone (admin.css, under 600 px): each cell then shows its column's
// header, which CSS reads from data-label. This keeps data-label true on every table any view
// renders, also when a view redraws its rows later (a search, a poll), so no view has to.
const LABELLED = new WeakSet();

function labelCells(root) {
  for (const table of root.querySelectorAll("table")) {
    const heads = [...(table.tHead?.rows[0]?.cells || [])].map((cell) => cell.textContent.trim());
    if (!heads.length) continue;
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          // a cell spanning columns (an empty-state row) has no one header to show
          const wanted = cell.colSpan > 1 ? "" : heads[column] || "";
          if (cell.dataset.label !== wanted) cell.dataset.label = wanted;
          column += cell.colSpan;
        }
      }
    }
  }
}

/** Keep the cells of every table under `root` labelled by their column headers. */
export function labelTablesIn(root) {
  if (LABELLED.has(root)) return;
  LABELLED.add(root);
  labelCells(root);
  // Only child lists are watched: setting data-label (an attribute) cannot wake the observer.
  new MutationObserver(() => labelCells(root)).observe(root, { childList: true, subtree: true });
}
