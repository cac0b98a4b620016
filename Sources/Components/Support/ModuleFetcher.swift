import Evaluation
import HTTPClientSupport
import Runtime
import Syntax

/// Fetches the modules of `import.http` blocks with their `client` block's settings, and loads configurations that
/// import them.
public enum ModuleFetcher {
    /// The module an `import.http` block names, or why it could not be fetched (the server's status and body, the
    /// transport error, or a mistake in the `client` block).
    public static func fetch(_ block: HTTPImportBlock) async -> Result<[UInt8], FetchFailure> {
        var d = BodyDecoder(evaluator: Evaluator(source: block.source), body: block.client, anchor: block.anchor)
        let settings = HTTPClientArguments.decode(&d)
        d.finish()
        if d.diagnostics.hasErrors {
            return .failure(FetchFailure(d.diagnostics.items.filter { $0.severity == .error }.map(\.description).joined(separator: "; ")))
        }
        let r = block.request
        do {
            return .success(try await DocumentFetch.fetch(url: r.url, method: r.method, headers: r.headers, body: r.body,
                                                          settings: settings, timeout: r.timeout))
        } catch {
            return .failure(FetchFailure("\(error)"))
        }
    }

    /// Loads a configuration, first fetching the modules of its `import.http` blocks (and of the modules those
    /// import, a few levels deep).
    public static func load(_ files: [File], registry: Registry, modulePath: String?) async throws(Diagnostics) -> ConfigGraph {
        var fetched = FetchedModules()
        for _ in 0..<8 {
            let missing = ConfigGraph.modulesToFetch(files, registry: registry, fetched: fetched, modulePath: modulePath)
            if missing.isEmpty { break }
            for block in missing where fetched.contents[block.request] == nil {
                fetched.contents[block.request] = await fetch(block)
            }
        }
        return try ConfigGraph.load(files, registry: registry, fetched: fetched, modulePath: modulePath)
    }
}
