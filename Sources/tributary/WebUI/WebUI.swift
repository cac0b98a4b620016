/// The web UI, served from the binary at `/` (component list), `/component/{id}`, `/module/{id}` (a module's
/// components), `/graph` and `/graph/{module id}`, and `/debug/{id}`, with its script and style under `/ui/`.
enum WebUI {
    /// The content type and bytes for a UI path, or nil when the path is not the UI's.
    static func asset(_ path: String) -> (contentType: String, body: [UInt8])? {
        switch path {
        case "/ui/app.js": return ("application/javascript; charset=utf-8", Array(WebUIScript.js.utf8))
        case "/ui/app.css": return ("text/css; charset=utf-8", Array(WebUIPage.css.utf8))
        case "/", "/graph": return page
        default:
            if path.hasPrefix("/component/") || path.hasPrefix("/debug/") || path.hasPrefix("/module/") || path.hasPrefix("/graph/") { return page }
            return nil
        }
    }

    private static let page = ("text/html; charset=utf-8", Array(WebUIPage.html.utf8))
}
