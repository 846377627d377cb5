"""Issue 22 item 6, on screen: plotly.js as Chromium draws it — no chart label's box crosses a
drawn line (series, target, baseline, as-of line), at the figure widths the pages use: a
chart in a two-column row of the レポート page at 1280 px (about 400 px wide) and an
indicator panel (3/4 of the main column, about 640 px)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import plotly
import pytest

from kpi.charts import figures
from kpi.charts.label_placement import PLACE_H, PLACE_W
from tests.charts.test_label_positions import _adversarial, _sample_charts, data  # noqa: F401

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

MEASURE_JS = """async ([fig, width]) => {
  const div = document.getElementById('c');
  div.style.width = width + 'px';
  await Plotly.newPlot(div, fig.data, fig.layout, {staticPlot: true});
  const boxes = [...div.querySelectorAll('g.annotation')].map(g => {
    const r = g.querySelector('rect.bg').getBoundingClientRect();
    return {text: g.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
  });
  const paths = [...div.querySelectorAll('.shapelayer path, .scatterlayer .js-line')];
  const hits = [];
  for (const p of paths) {
    const len = p.getTotalLength ? p.getTotalLength() : 0;
    const m = p.getScreenCTM();
    if (!len || !m) continue;
    for (let s = 0; s <= len; s += 0.5) {
      const q = p.getPointAtLength(s);
      const x = m.a * q.x + m.c * q.y + m.e, y = m.b * q.x + m.d * q.y + m.f;
      for (const b of boxes) {
        if (b.x0 - 1 < x && x < b.x1 + 1 && b.y0 - 1 < y && y < b.y1 + 1) {
          hits.push(b.text + ' / ' + (p.closest('[data-index]') ? 'shape' : 'trace'));
        }
      }
    }
  }
  const z = div._fullLayout._size;  // the plot area as drawn
  return {labels: boxes.length, hits: [...new Set(hits)], plot: [z.w, z.h]};
}"""


@pytest.fixture(scope="module")
def chart_page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1000, "height": 700}, locale="ja-JP")
    page = context.new_page()
    page.set_content('<html><body style="margin:0"><div id="c"></div></body></html>')
    page.add_script_tag(path=str(PLOTLY_JS))
    yield page
    context.close()


@pytest.mark.parametrize("width", [400, 640])
def test_no_label_sits_on_a_line_on_screen(chart_page: Any, data: Any, width: int) -> None:  # noqa: F811
    charts = [c for c in _sample_charts(data)][::4] + [c for _, c in _adversarial(data)][::3]
    bad = []
    for chart in charts:
        fig = json.loads(figures.indicator_figure(chart, height=380).to_json())
        found = chart_page.evaluate(MEASURE_JS, [fig, width])
        assert found["labels"] == len(chart.labels)
        # The placement's geometry holds on any plot at least this large.
        assert found["plot"][0] >= PLACE_W and found["plot"][1] >= PLACE_H, found["plot"]
        if found["hits"]:
            bad.append(f"{chart.code} {chart.y_range}: {found['hits']}")
    assert not bad, "\n".join(bad)
