import Runtime

/// Every component Tributary runs, one line each, and the Alloy components it recognises but does not run.
public enum AllComponents {
    public static let registry: Registry = {
        var r = Registry()
        r.register(ComponentRegistration("discovery.kubernetes", DiscoveryKubernetesComponent.self, exports: ["targets": .array([])]))
        r.register(ComponentRegistration("discovery.relabel", DiscoveryRelabelComponent.self,
                                         exports: ["output": .array([]), "rules": .capsule(RulesCapsule(ownerID: "", rules: []))]))
        r.register(ComponentRegistration("local.file_match", LocalFileMatchComponent.self, exports: ["targets": .array([])]))
        r.register(ComponentRegistration("loki.process", LokiProcessComponent.self, exports: ["receiver": placeholderReceiver]))
        r.register(ComponentRegistration("loki.relabel", LokiRelabelComponent.self,
                                         exports: ["receiver": placeholderReceiver, "rules": .capsule(RulesCapsule(ownerID: "", rules: []))]))
        r.register(ComponentRegistration("loki.echo", LokiEchoComponent.self, exports: ["receiver": placeholderReceiver]))
        r.register(ComponentRegistration("loki.source.file", LokiSourceFileComponent.self))
        r.register(ComponentRegistration("loki.source.journal", LokiSourceJournalComponent.self))
        r.register(ComponentRegistration("loki.write", LokiWriteComponent.self, exports: ["receiver": placeholderReceiver]))
        r.markUnsupported(outOfScope)
        r.loggingWriteTo = [ReceiverRef].self
        return r
    }()

    /// Alloy components outside a node log agent's scope (families end in `.*`).
    static let outOfScope = [
        "prometheus.*", "otelcol.*", "pyroscope.*", "beyla.*", "faro.*", "mimir.*", "remote.*", "database_observability.*",
        "discovery.azure", "discovery.consul", "discovery.consulagent", "discovery.digitalocean", "discovery.dns",
        "discovery.docker", "discovery.dockerswarm", "discovery.ec2", "discovery.eureka", "discovery.file", "discovery.gce",
        "discovery.hetzner", "discovery.http", "discovery.ionos", "discovery.kubelet", "discovery.kuma", "discovery.lightsail",
        "discovery.linode", "discovery.marathon", "discovery.nerve", "discovery.nomad", "discovery.openstack",
        "discovery.ovhcloud", "discovery.process", "discovery.puppetdb", "discovery.scaleway", "discovery.serverset",
        "discovery.triton", "discovery.uyuni",
        "local.file",
        "loki.source.api", "loki.source.awsfirehose", "loki.source.azure_event_hubs", "loki.source.cloudflare",
        "loki.source.docker", "loki.source.gcplog", "loki.source.gelf", "loki.source.heroku", "loki.source.kafka",
        "loki.source.kubernetes", "loki.source.kubernetes_events", "loki.source.podlogs", "loki.source.syslog",
        "loki.source.windowsevent",
        "loki.rules.kubernetes", "loki.secretfilter", "loki.enrich",
    ]
}
