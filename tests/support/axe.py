"""axe-core in a playwright page: the accessibility check every browser test can run on a view.

`make axe` installs axe-core from the npm registry into tools/axe (pinned by its package-lock)."""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """The page's axe violations of the given impacts, each as {id, impact, help, targets}.

    Runs the WCAG 2.x A/AA rules plus best practices on the whole document as it is now."""
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `make axe`")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # add_script_tag inserts an inline <script>, which the admin page's CSP (script-src 'self')
        # blocks; the source evaluated over the devtools protocol is not subject to the page's CSP
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            targets: v.nodes.map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def assert_accessible(page, view: str) -> None:
    """Fail naming every serious or critical violation on `view` (what, where)."""
    found = axe_violations(page)
    assert not found, f"axe on {view}: " + "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['targets'][:3]}" for v in found)
