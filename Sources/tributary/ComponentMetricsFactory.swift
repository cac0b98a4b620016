import Metrics
import Runtime

/// Gives every series that names a component (a `component_id` dimension holding its full id) Alloy's labels —
/// `component_id` its local id, `component_path` the module it runs in — and drops the series of components whose
/// metrics are not exported (``ComponentMetrics``), before handing them to the Prometheus factory.
struct ComponentMetricsFactory: MetricsFactory {
    let wrapped: any MetricsFactory

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let d = ComponentMetrics.dimensions(dimensions) else { return NOOPMetricsHandler.instance }
        return wrapped.makeCounter(label: label, dimensions: d)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        guard let d = ComponentMetrics.dimensions(dimensions) else { return NOOPMetricsHandler.instance }
        return wrapped.makeFloatingPointCounter(label: label, dimensions: d)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        guard let d = ComponentMetrics.dimensions(dimensions) else { return NOOPMetricsHandler.instance }
        return wrapped.makeMeter(label: label, dimensions: d)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard let d = ComponentMetrics.dimensions(dimensions) else { return NOOPMetricsHandler.instance }
        return wrapped.makeRecorder(label: label, dimensions: d, aggregate: aggregate)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let d = ComponentMetrics.dimensions(dimensions) else { return NOOPMetricsHandler.instance }
        return wrapped.makeTimer(label: label, dimensions: d)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if !(handler is NOOPMetricsHandler) { wrapped.destroyCounter(handler) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if !(handler is NOOPMetricsHandler) { wrapped.destroyFloatingPointCounter(handler) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if !(handler is NOOPMetricsHandler) { wrapped.destroyMeter(handler) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if !(handler is NOOPMetricsHandler) { wrapped.destroyRecorder(handler) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if !(handler is NOOPMetricsHandler) { wrapped.destroyTimer(handler) }
    }
}
