// How a session is moved on the time grid: by pointer (drag a card or a side-list entry onto a
// slot, drag a card's bottom edge to change its length) and by keyboard (Space or Enter picks the
// focused session up, arrows move it by a grid step or a room, Shift+Up/Down change its length,
// Page Up/Down move it a day, Delete takes it off the grid, Enter drops, Escape cancels). A card
// dragged onto the side list is taken off the grid, onto a day's button to that day's grid. Both
// feed the same editor calls.
import { PPM, pointAt } from "./schedule-grid.js";

const DRAG_THRESHOLD_PX = 4;
const EDGE_PX = 40;  // a drag this near the grid's edge scrolls it (20 rooms do not fit a screen)
const EDGE_STEP_PX = 24;

/** Scroll `scroller` toward the pointer when it nears an edge (each pointer move scrolls a step). */
function scrollNearEdge(scroller, x, y) {
  if (!scroller) return;
  const box = scroller.getBoundingClientRect();
  const dx = x > box.right - EDGE_PX ? EDGE_STEP_PX : x < box.left + EDGE_PX && x > box.left ? -EDGE_STEP_PX : 0;
  const dy = y > box.bottom - EDGE_PX && y < box.bottom ? EDGE_STEP_PX : y < box.top + EDGE_PX && y > box.top ? -EDGE_STEP_PX : 0;
  if (dx || dy) scroller.scrollBy(dx, dy);
}

/**
 * Wire moves on `root` (the editor: side list and grid). `editor` offers: wallOf(id) (the
 * session's {room_id, from, to} on the shown day, or null), firstSlot(id), lengthOf(id), rooms(),
 * range(), step(), columns(), shiftDay(delta) -> bool, showDay(day) -> bool, preview(id, wall, how) -> the carried card,
 * drop(id, wall), unschedule(id), cancel(id).
 */
export function attachMoves(root, editor) {
  let carry = null;

  const clampMove = (wall) => {
    const { from, to } = editor.range();
    const length = wall.to - wall.from;
    const start = Math.min(Math.max(wall.from, from), to - length);
    return { ...wall, from: start, to: start + length };
  };

  const show = (wall, how) => {
    carry.wall = wall;
    return editor.preview(carry.id, wall, how);
  };

  const finish = (how) => {
    const { id, wall, start } = carry;
    carry = null;
    window.removeEventListener("pointermove", onPointerMove);
    window.removeEventListener("pointerup", onPointerUp);
    if (how === "unschedule" && start) editor.unschedule(id);
    else if (how === "drop" && wall) editor.drop(id, wall);
    else editor.cancel(id);
  };
  const overSide = (event) => Boolean(event.target.closest?.(".sg-side"));

  // -- pointer --------------------------------------------------------------------------------

  function onPointerMove(event) {
    if (!carry.started) {
      if (Math.hypot(event.clientX - carry.x, event.clientY - carry.y) < DRAG_THRESHOLD_PX) return;
      carry.started = true;
      carry.columns = editor.columns();
      carry.scroller = root.querySelector(".sg-scroll");
    }
    // Resting on a day's button while dragging shows that day's grid, to drop the session there.
    const dayButton = carry.mode === "move" && event.target.closest?.(".sg-days button[data-day]");
    if (dayButton && editor.showDay(dayButton.dataset.day)) {
      carry.columns = editor.columns();
      carry.scroller = root.querySelector(".sg-scroll");
    }
    scrollNearEdge(carry.scroller, event.clientX, event.clientY);
    const step = editor.step();
    if (carry.mode === "resize") {
      const point = pointAt(carry.columns.filter((c) => c.dataset.room === carry.start.room_id), editor.range(), step, carry.columnX, event.clientY);
      if (!point) return;
      const to = Math.min(Math.max(point.minute, carry.start.from + step), editor.range().to);
      show({ ...carry.start, to }, "pointer");
      return;
    }
    const point = pointAt(carry.columns, editor.range(), step, event.clientX, event.clientY, carry.grab);
    if (!point) {
      show(null, overSide(event) && carry.start ? "unschedule" : "pointer");
      return;
    }
    show(clampMove({ room_id: point.room_id, from: point.minute, to: point.minute + carry.length }), "pointer");
  }

  function onPointerUp(event) {
    if (!carry) return;
    if (!carry.started) {
      const card = root.querySelector(`.sg-session[data-id="${carry.id}"]`);
      carry = null;
      window.removeEventListener("pointermove", onPointerMove);
      window.removeEventListener("pointerup", onPointerUp);
      card?.focus();
      return;
    }
    finish(overSide(event) ? "unschedule" : "drop");
  }

  root.addEventListener("pointerdown", (event) => {
    const card = event.target.closest(".sg-session");
    if (!card || event.button !== 0 || carry) return;
    event.preventDefault();  // no text selection while dragging
    const id = card.dataset.id;
    const wall = card.classList.contains("sg-unplaced") ? null : editor.wallOf(id);
    const box = card.getBoundingClientRect();
    carry = {
      id, x: event.clientX, y: event.clientY, started: false, start: wall,
      mode: wall && event.target.classList.contains("sg-resize") ? "resize" : "move",
      columnX: box.left + box.width / 2,
      length: wall ? wall.to - wall.from : editor.lengthOf(id),
      // Where in the card it was grabbed, so the card does not jump under the pointer.
      grab: wall ? Math.floor((event.clientY - box.top) / PPM) : 0,
    };
    window.addEventListener("pointermove", onPointerMove);
    window.addEventListener("pointerup", onPointerUp);
  });

  // -- keyboard -------------------------------------------------------------------------------

  const keep = (card) => {
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest", inline: "nearest" });
  };

  root.addEventListener("keydown", (event) => {
    const card = event.target.closest?.(".sg-session");
    if (!card) return;
    const id = card.dataset.id;
    if (!carry) {
      if (event.key !== " " && event.key !== "Enter") return;
      event.preventDefault();
      const wall = (card.classList.contains("sg-unplaced") ? null : editor.wallOf(id)) || editor.firstSlot(id);
      carry = { id, mode: "keys", start: wall };
      keep(show(wall, "pickup"));
      return;
    }
    if (carry.mode !== "keys" || carry.id !== id) return;
    const step = editor.step();
    const rooms = editor.rooms();
    const wall = carry.wall;
    let next = null;
    switch (event.key) {
      case "ArrowUp":
      case "ArrowDown": {
        const delta = event.key === "ArrowUp" ? -step : step;
        next = event.shiftKey
          ? { ...wall, to: Math.min(Math.max(wall.to + delta, wall.from + step), editor.range().to) }
          : clampMove({ ...wall, from: wall.from + delta, to: wall.to + delta });
        break;
      }
      case "ArrowLeft":
      case "ArrowRight": {
        const at = rooms.indexOf(wall.room_id) + (event.key === "ArrowLeft" ? -1 : 1);
        if (at >= 0 && at < rooms.length) next = { ...wall, room_id: rooms[at] };
        else next = wall;
        break;
      }
      case "PageUp":
      case "PageDown":
        // The grid of the other day replaces this one; the carried card is drawn on it.
        next = editor.shiftDay(event.key === "PageUp" ? -1 : 1) ? clampMove(wall) : wall;
        break;
      case "Enter":
      case " ":
        event.preventDefault();
        finish("drop");
        return;
      case "Delete":
      case "Backspace":
        event.preventDefault();
        finish("unschedule");
        return;
      case "Escape":
        event.preventDefault();
        finish("cancel");
        return;
      default:
        return;
    }
    event.preventDefault();
    keep(show(next, event.key.startsWith("Page") ? "day" : "keys"));
  });

  return { carrying: () => carry?.id || null };
}
