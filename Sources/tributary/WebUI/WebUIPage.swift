/// The web UI's page, served for `/`, `/component/{id}`, `/graph` and `/debug/{id}`: one document whose script
/// reads the path and draws the view from the web API. Embedded in the binary: nothing is fetched from the network.
enum WebUIPage {
    static let html = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Tributary</title>
    <link rel="stylesheet" href="/ui/app.css">
    </head>
    <body>
    <header>
      <a class="brand" href="/">Tributary</a>
      <nav><a href="/">Components</a> <a href="/graph">Graph</a></nav>
    </header>
    <main id="view"><p class="muted">Loading…</p></main>
    <script src="/ui/app.js"></script>
    </body>
    </html>
    """#

    static let css = #"""
    body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f7f8fa; }
    header { display: flex; gap: 2em; align-items: center; padding: .6em 1.5em; background: #1d2330; }
    header a { color: #fff; text-decoration: none; margin-right: 1em; }
    .brand { font-weight: 600; font-size: 1.1em; }
    main { padding: 1em 1.5em; }
    table { border-collapse: collapse; width: 100%; background: #fff; }
    th, td { text-align: left; padding: .4em .6em; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
    th { background: #eef0f4; }
    .state { display: inline-block; padding: 0 .5em; border-radius: 3px; color: #fff; }
    .state.healthy { background: #2e7d32; } .state.unhealthy { background: #c62828; }
    .state.unknown, .state.exited { background: #757575; }
    pre { background: #fff; border: 1px solid #e3e6eb; padding: .8em; overflow-x: auto; }
    .muted { color: #6b7280; }
    .live { height: 70vh; overflow-y: scroll; font-family: ui-monospace, monospace; font-size: 12px; background: #fff;
            border: 1px solid #e3e6eb; padding: .5em; white-space: pre-wrap; }
    svg text { font: 12px system-ui, sans-serif; }
    svg .node rect { fill: #fff; stroke: #1d2330; }
    svg .edge { stroke: #6b7280; fill: none; marker-end: url(#arrow); }
    svg .rate { fill: #1565c0; }
    """#
}
