// Draws the report's charts with uPlot (inlined before this script as the global `uPlot`) from the JSON
// in #report-data: chart specs, the downsampled series on the virtual clock (epoch ms), the run's
// events. Runs in the browser only; plain JavaScript so the page needs no build step to open.
(() => {
  const page = JSON.parse(document.getElementById('report-data').textContent);
  const EVENT_LINE = '#666666';
  const EVENT_BADGE = '#444444';
  const DEADLINE_LINE = '#222222';

  // --- number and time formats for axes and legend ---------------------------------------------
  function compact(v) {
    const a = Math.abs(v);
    if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
    if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
    if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
    return String(+v.toFixed(a >= 10 ? 1 : 2));
  }
  function ms(v) {
    if (Math.abs(v) >= 1000) return `${+(v / 1000).toFixed(Math.abs(v) >= 10000 ? 0 : 1)} s`;
    return `${+v.toFixed(Math.abs(v) >= 10 ? 0 : 1)} ms`;
  }
  function duration(v) {
    const s = Math.round(v / 1000);
    if (s < 60) return `${s}s`;
    const m = Math.round(s / 60);
    if (m < 60) return `${m}m`;
    const h = Math.floor(m / 60);
    if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
    return `${Math.floor(h / 24)}d ${h % 24}h`;
  }
  const FORMATS = { count: compact, rate: compact, ms, duration };
  const S = 1000;
  const M = 60 * S;
  const H = 60 * M;
  /** Tick steps of a duration axis: whole seconds, minutes, hours, days (never "13m, 17m"). */
  const DURATION_STEPS = [
    S,
    5 * S,
    10 * S,
    15 * S,
    30 * S,
    M,
    2 * M,
    5 * M,
    10 * M,
    15 * M,
    30 * M,
    H,
    2 * H,
    3 * H,
    6 * H,
    12 * H,
    24 * H,
    48 * H,
    168 * H,
  ];
  const utc = (t) => new Date(t).toISOString();

  /** x tick labels: HH:MM (HH:MM:SS for short steps), with the date under the first tick of each day. */
  function timeLabels(_u, splits) {
    const step = splits.length > 1 ? splits[1] - splits[0] : 60000;
    let day = null;
    return splits.map((t) => {
      const iso = utc(t);
      const time = step < 60000 ? iso.slice(11, 19) : iso.slice(11, 16);
      const d = iso.slice(0, 10);
      const label = d === day ? time : `${time}\n${d}`;
      day = d;
      return label;
    });
  }

  // --- events and deadlines as vertical lines on every chart -----------------------------------
  function markersPlugin(events, markers) {
    return {
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            const { left, top, width, height } = u.bbox;
            const pr = uPlot.pxRatio;
            ctx.save();
            ctx.font = `${Math.round(10 * pr)}px system-ui, sans-serif`;
            ctx.textBaseline = 'middle';
            ctx.textAlign = 'center';
            let lastX = Number.NEGATIVE_INFINITY;
            let level = 0;
            events.forEach((ev, i) => {
              const x = Math.round(u.valToPos(ev.t, 'x', true));
              if (x < left - 1 || x > left + width + 1) return;
              ctx.strokeStyle = EVENT_LINE;
              ctx.lineWidth = pr;
              ctx.setLineDash([]);
              ctx.beginPath();
              ctx.moveTo(x + 0.5, top);
              ctx.lineTo(x + 0.5, top + height);
              ctx.stroke();
              // Badges of events close together stack downwards instead of covering each other.
              level = x - lastX < 20 * pr ? level + 1 : 0;
              lastX = x;
              const label = String(i + 1);
              const w = Math.max(14 * pr, ctx.measureText(label).width + 6 * pr);
              const h = 14 * pr;
              const y = top + 2 * pr + level * (h + 2 * pr);
              ctx.fillStyle = EVENT_BADGE;
              ctx.fillRect(x - w / 2, y, w, h);
              ctx.fillStyle = '#ffffff';
              ctx.fillText(label, x, y + h / 2);
            });
            for (const m of markers) {
              const x = Math.round(u.valToPos(m.t, 'x', true));
              if (x < left - 1 || x > left + width + 1) continue;
              ctx.strokeStyle = DEADLINE_LINE;
              ctx.lineWidth = 2 * pr;
              ctx.setLineDash([6 * pr, 4 * pr]);
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, top + height);
              ctx.stroke();
              // The label sits below the event badges, on a white ground so lines under it do not cross it.
              const rightSide = x > left + width - 80 * pr;
              const tw = ctx.measureText(m.label).width + 6 * pr;
              const tx = rightSide ? x - 4 * pr - tw : x + 4 * pr;
              const ty = top + 40 * pr;
              ctx.fillStyle = '#ffffff';
              ctx.fillRect(tx, ty - 8 * pr, tw, 16 * pr);
              ctx.fillStyle = DEADLINE_LINE;
              ctx.textAlign = 'left';
              ctx.fillText(m.label, tx + 3 * pr, ty);
              ctx.textAlign = 'center';
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  /** uPlot points filter: all points when uPlot shows them anyway, else those with gaps on both sides. */
  function isolatedPoints(u, seriesIdx, show) {
    if (show) return null;
    const ys = u.data[seriesIdx];
    const idxs = [];
    for (let i = 0; i < ys.length; i++)
      if (ys[i] != null && ys[i - 1] == null && ys[i + 1] == null) idxs.push(i);
    return idxs.length > 0 ? idxs : null;
  }

  // --- one chart --------------------------------------------------------------------------------
  const fromZero = (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1];

  function options(spec, width) {
    const small = spec.group !== undefined;
    const axisFont = '11px system-ui, sans-serif';
    const yAxis = (axis, side) => ({
      scale: side === 0 ? 'left' : 'right',
      side: side === 0 ? 3 : 1,
      label: axis.label,
      labelSize: 16,
      labelFont: 'bold 11px system-ui, sans-serif',
      font: axisFont,
      size: 58,
      values: (_u, splits) => splits.map((v) => FORMATS[axis.unit](v)),
      ...(axis.unit === 'duration' ? { incrs: DURATION_STEPS } : {}),
      grid: { show: side === 0, stroke: '#e6e6e6', width: 1 },
      ticks: { show: true, stroke: '#cccccc', width: 1, size: 4 },
    });
    const axes = [
      {
        values: timeLabels,
        font: axisFont,
        size: 42,
        space: small ? 70 : 80,
        grid: { show: true, stroke: '#eeeeee', width: 1 },
        ticks: { show: true, stroke: '#cccccc', width: 1, size: 4 },
      },
      yAxis(spec.left, 0),
    ];
    const scales = { x: { time: true, range: () => page.range }, left: { range: fromZero } };
    if (spec.right) {
      axes.push(yAxis(spec.right, 1));
      scales.right = { range: fromZero };
    }
    return {
      width,
      height: small ? 200 : 280,
      ms: 1,
      scales,
      axes,
      series: [
        {
          label: 'virtual time (UTC)',
          value: (_u, v) => (v == null ? '--' : utc(v).slice(0, 19).replace('T', ' ')),
        },
        ...spec.series.map((s) => {
          const unit = (s.axis === 'right' ? spec.right : spec.left).unit;
          return {
            label: s.label,
            stroke: s.color,
            width: s.width ?? 1.5,
            dash: s.dash,
            scale: s.axis,
            value: (_u, v) => (v == null ? '--' : FORMATS[unit](v)),
            // Filled points where uPlot shows them (sparse data), and always for a value between gaps
            // (one interval with requests): no line can be drawn to it, it would not be seen at all.
            points: { size: small ? 6 : 7, fill: s.color, filter: isolatedPoints },
          };
        }),
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      plugins: [markersPlugin(page.events, spec.markers || [])],
    };
  }

  const plots = [];
  for (const spec of page.charts) {
    const el = document.getElementById(`chart-${spec.id}`);
    try {
      const data = [page.x, ...spec.series.map((s) => page.series[s.key] || page.x.map(() => null))];
      const plot = new uPlot(options(spec, el.clientWidth), data, el);
      plots.push({ plot, el, height: plot.height });
      el.dataset.drawn = 'true';
    } catch (err) {
      el.textContent = `This chart could not be drawn: ${err}`;
      console.error(`chart ${spec.id}:`, err);
    }
  }
  document.body.dataset.chartsDrawn = String(plots.length);

  let resizeTimer;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const p of plots) p.plot.setSize({ width: p.el.clientWidth, height: p.height });
    }, 100);
  });
})();
