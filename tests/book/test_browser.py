"""The built book, as a reader's browser shows it (headless Chromium through Playwright).

Run by `make test` after the book is built, with ENCDEC_BOOK_HTML pointing at its HTML folder.
A screenshot of every page's first screen goes to `_build/screenshots/` (whole pages with
ENCDEC_FULL_SCREENSHOTS=1: a chapter's full-page screenshot takes seconds, and most pages are long).
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from settings import settings, toc_files  # noqa: E402

HTML = Path(os.environ.get("ENCDEC_BOOK_HTML", ROOT / "_build" / "html"))
SHOTS = ROOT / "_build" / "screenshots"
FULL_SHOTS = os.environ.get("ENCDEC_FULL_SCREENSHOTS", "") == "1"
PAGES = toc_files()
CHAPTERS = [f for f in PAGES if (ROOT / f"{f}.ipynb").exists()]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("no Chromium found: install Debian's `chromium` package (make test does it when run as root)")


@pytest.fixture(scope="module")
def browser():
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built book at {HTML} (set ENCDEC_BOOK_HTML)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, path: str):
    "Open a built page; wait for MathJax to typeset. Returns (page, external requests)."
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # a laptop's browser window
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    page.goto((HTML / f"{path}.html").as_uri())
    page.wait_for_load_state("load")
    if page.evaluate("() => !!document.querySelector('script[src*=\"mathjax\"]')"):
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise")
    return page, external


@pytest.mark.parametrize("path", PAGES)
def test_page_renders(browser, path):
    page, external = open_page(browser, path)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / (path.replace("/", "__") + ".png")), full_page=FULL_SHOTS)
    # math is typeset, and no raw TeX delimiters are left in the text
    source = (ROOT / f"{path}.ipynb") if (ROOT / f"{path}.ipynb").exists() else (ROOT / f"{path}.md")
    if re.search(r"\$\$|\$[^$\s][^$]*\$", source.read_text(encoding="utf-8")):
        assert page.evaluate("() => document.querySelectorAll('mjx-container').length") > 0, "no math typeset"
        # the prose only: code, cell outputs and typeset math are left out
        raw = page.evaluate("""() => {
            const a = document.querySelector('article').cloneNode(true);
            a.querySelectorAll('pre, code, .cell_output, .output, mjx-container, script').forEach(e => e.remove());
            return a.innerText; }""")
        left = [t for t in ("$$", "\\(", "\\[", "\\begin{", "\\frac") if t in raw]
        assert not left, f"raw TeX left in the prose: {left}"
    # every image (plots included) loads
    broken = page.evaluate("() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
    assert not broken, f"images that do not load: {broken}"
    # the page works without a network: nothing is fetched from outside the build
    assert not external, f"the page fetches from the network: {external}"
    if path in CHAPTERS:
        cfg = settings()
        links = page.evaluate("() => Array.from(document.querySelectorAll('a')).map(a => a.href)")
        colab = f"https://colab.research.google.com/github/{cfg['user']}/{cfg['repo']}/blob/{cfg['branch']}/{path}.ipynb"
        assert colab in links, f"no Colab launch button pointing at {colab}"
        text = page.evaluate("() => document.querySelector('article').innerText")
        assert "#|" not in text, "an nbdev directive is shown"
        assert "<Axes" not in text and "<Figure size" not in text, "a plot's repr is printed instead of hidden"
        outputs = page.evaluate("() => Array.from(document.querySelectorAll('.cell_output')).map(e => e.innerText)")
        assert not any(TABLE_AS_TEXT.search(o) for o in outputs), "a markdown table in an output is shown as text"
    check_layout_and_debris(page, path)
    page.close()


# a pipe table's |---| row left as text in a cell's output (Sphinx's smartquotes turn --- into a dash)
TABLE_AS_TEXT = re.compile(r"\|\s*:?(?:-{3,}|[—–])[-—–]*:?\s*\|")

# what a reader should never see on a page: return values of plotting calls, reStructuredText that was
# not rendered, template arithmetic, errors of a failed download
DEBRIS = {
    "a matplotlib return value": re.compile(r"^(Text\(-?\d|\[<matplotlib\.|<matplotlib\.|\(-?\d[\d.]*, -?\d[\d.]*\)$|<Axes|<Figure size)", re.M),
    # an RST directive or role, or a MyST directive fence, left as text
    "raw reStructuredText": re.compile(r"^\s*\.\. \w[\w-]*::|:(class|meth|func|attr|mod|obj):[`\w]|^\s*```\{[\w-]+\}",
                                       re.M),
    "arithmetic left in the text": re.compile(r"\b\d+ [−-] \d+ (and|to) \d+\b|\(\d+ [−-] \d+ to \d+\)"),
    "an error a reader was not meant to see": re.compile(r"Traceback \(most recent call last\)|URLError|urlopen error"),
}


def layout_problems(page) -> dict:
    ("Display equations, tables and code wider than the article (cut off or scrolled); figures drawn "
     "wider than the article (shrunk to fit, so their labels print below the size they were drawn "
     "at); private names in headings.")
    return page.evaluate("""() => {
        const article = document.querySelector('article') || document.body;
        const width = article.getBoundingClientRect().width;
        const label = e => (e.innerText || e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 80);
        const wide = e => e.scrollWidth > e.clientWidth + 2 || e.getBoundingClientRect().width > width + 2;
        const equations = Array.from(article.querySelectorAll('mjx-container[display="true"]'))
            .filter(e => { const box = e.querySelector('mjx-math') || e;
                           return wide(e) || box.getBoundingClientRect().width > e.getBoundingClientRect().width + 2
                                  || box.getBoundingClientRect().width > width + 2; })
            .map(e => e.getAttribute('aria-label') || label(e));
        const tables = Array.from(article.querySelectorAll('table'))
            .filter(t => !t.closest('.cell_output, .output'))
            .filter(t => t.scrollWidth > t.clientWidth + 2 || t.getBoundingClientRect().width > width + 2
                         || (t.parentElement && t.parentElement.scrollWidth > t.parentElement.clientWidth + 2))
            .map(t => label(t.querySelector('tr') || t));
        const code = Array.from(article.querySelectorAll('div.highlight pre, .cell_output pre'))
            .filter(wide).map(e => (e.textContent.split('\\n').find(l => l.length > 88) || label(e)).slice(0, 80));
        const figures = Array.from(article.querySelectorAll('.cell_output img'))  // plots; diagrams: test_figures
            .filter(i => i.naturalWidth > width + 8)
            .map(i => `${(i.getAttribute('alt') || i.src.split('/').pop()).slice(0, 60)} (${i.naturalWidth} px)`);
        const headings = Array.from(article.querySelectorAll('h1, h2, h3, h4'))
            .map(label).filter(t => /(^|[.\\s])_[A-Za-z]\\w*\\./.test(t));
        return {equations, tables, code, figures, headings};
    }""")


def check_layout_and_debris(page, path: str) -> None:
    "At 1400 px nothing is cut off or scrolled sideways, and no debris is printed (prose and outputs, not code)."
    problems = {k: v for k, v in layout_problems(page).items() if v}
    text = page.evaluate("""() => { const a = (document.querySelector('article') || document.body).cloneNode(true);
        a.querySelectorAll('.cell_input, script').forEach(e => e.remove()); return a.innerText; }""")
    found = {what: m.group(0) for what, pattern in DEBRIS.items() if (m := pattern.search(text))}
    assert not problems, f"{path}: wider than the page at 1400 px: {problems}"
    assert not found, f"{path}: debris on the page: {found}"


@pytest.mark.parametrize("path", [f"book/api/{p.stem}" for p in sorted((HTML / "book" / "api").glob("*.html"))])
def test_api_page_not_clipped_and_no_debris(browser, path):
    page, _ = open_page(browser, path)
    check_layout_and_debris(page, path)
    page.close()


def test_debris_patterns_catch_what_they_name():
    assert DEBRIS["a matplotlib return value"].search("Text(0.5, 1.0, 'title')")
    assert DEBRIS["a matplotlib return value"].search("<matplotlib.colorbar.Colorbar at 0x7f>")
    assert DEBRIS["raw reStructuredText"].search(".. note::\n  a note") and DEBRIS["raw reStructuredText"].search("see :class:`Foo`")
    # inside a page's text, and with the backticks already rendered away
    assert DEBRIS["raw reStructuredText"].search("Encoder.forward\n.. note::\nAlthough ...")
    assert DEBRIS["raw reStructuredText"].search("```{admonition} Errata\n:class: warning")
    assert DEBRIS["raw reStructuredText"].search("an instance of :class:Module")
    assert DEBRIS["arithmetic left in the text"].search("lengths 10 − 1 and 10")
    assert TABLE_AS_TEXT.search("| a | b |\n|---|---:|") and TABLE_AS_TEXT.search("| a |\n|—|")
    assert not TABLE_AS_TEXT.search("a | b, and 3 - 4")
    assert not any(p.search("The model reaches 0.97 on lengths 8 to 10.") for p in DEBRIS.values())


def test_layout_check_catches_what_it_names(browser):
    "A 120-column code line, an output line, a wide table and a wide figure in an 800 px article are all reported."
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    wide = "x = 1  # " + "y" * 111
    page.set_content(f"""<article style="width: 800px"><div class="highlight"><pre>{wide}</pre></div>
        <div class="cell_output"><pre>{wide}</pre></div>
        <div style="overflow-x: auto"><table><tr>{'<td>column</td>' * 40}</tr></table></div>
        <div class="highlight"><pre>x = 1</pre></div>
        <div class="cell_output">
        <img alt="wide" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1200' height='10'/%3E">
        <img alt="fits" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='700' height='10'/%3E">
        </div>
        </article>""")
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
    found = layout_problems(page)
    page.close()
    assert len(found["code"]) == 2 and found["code"][0].startswith("x = 1  # yyy"), found
    assert len(found["tables"]) == 1 and not found["equations"] and not found["headings"], found
    assert found["figures"] == ["wide (1200 px)"], found


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key) and tag in ("a", "img", "script", "link"):
                self.hrefs.append(attrs[key])


def test_no_internal_link_is_broken():
    parsed = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            p = _Links()
            p.feed(path.read_text(encoding="utf-8", errors="replace"))
            parsed[path] = p
        return parsed[path]

    broken = []
    pages = [HTML / f"{f}.html" for f in PAGES] + [HTML / "index.html", HTML / "genindex.html"]
    for page in pages:
        if not page.exists():
            broken.append(f"{page.relative_to(HTML)} (page missing)")
            continue
        for href in parse(page).hrefs:
            url = urlparse(href)
            if url.scheme or href.startswith(("mailto:", "//", "javascript:")):
                continue
            target, anchor = unquote(url.path), url.fragment  # without ?v=... cache busters
            dest = (page.parent / target).resolve() if target else page
            if not dest.exists():
                broken.append(f"{page.relative_to(HTML)} -> {href}")
            elif anchor and dest.suffix == ".html" and anchor not in parse(dest).ids:
                broken.append(f"{page.relative_to(HTML)} -> {href} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_results_page_shows_its_table(browser):
    if "book/results" not in PAGES:
        pytest.skip("the book has no results page")
    import yaml

    page, _ = open_page(browser, "book/results")
    rows = yaml.safe_load((ROOT / "book" / "results" / "headline.yml").read_text(encoding="utf-8"))["rows"]
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('article table')).map(t =>
        [Array.from(t.querySelectorAll('thead th')).map(th => th.innerText.trim()),
         Array.from(t.querySelectorAll('tbody tr')).map(tr => tr.querySelectorAll('td').length),
         t.getBoundingClientRect().height, t.innerText])""")
    tables = [t for t in shown if "full profile" in t[0]]
    assert tables, f"no results table on the page: {[t[0] for t in shown]}"
    header, cells, height, text = tables[0]
    assert len(cells) == len(rows) and height > 0, f"{len(cells)} rows shown for {len(rows)} headline results"
    assert set(cells) == {len(header)}, f"rows of the results table with other than {len(header)} cells: {cells}"
    assert not re.search(r"\{(doc|cite(:\w+)?)\}", text), "unparsed MyST in the results table"
    page.close()
