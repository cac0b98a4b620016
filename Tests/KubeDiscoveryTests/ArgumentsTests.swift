import Components
import Runtime
import Syntax
import Testing

/// Loads and validates a configuration; returns the diagnostics' one-line forms.
func diagnostics(_ text: String) -> [String] {
    let src = SourceFile(name: "k.alloy", text: text)
    do {
        let file = try Parser.parse(src)
        let graph = try ConfigGraph.load([file], registry: AllComponents.registry)
        return (graph.warnings.items + Controller.validate(graph).items).map(\.description)
    } catch {
        return error.items.map(\.description)
    }
}

/// `discovery.kubernetes` arguments: what Alloy accepts is accepted, what cannot be honoured is refused by name.
@Suite struct ArgumentsTests {
    @Test func theProductionShapeValidates() {
        let d = diagnostics("""
        discovery.kubernetes "pods" {
        \trole = "pod"
        \tselectors {
        \t\trole  = "pod"
        \t\tfield = "spec.nodeName=" + coalesce(sys.env("NODE_NAME"), "node-1")
        \t}
        \tnamespaces {
        \t\tnames         = ["airflow"]
        \t\town_namespace = false
        \t}
        \tattach_metadata {
        \t\tnode = true
        \t}
        }
        discovery.kubernetes "nodes" {
        \trole       = "node"
        \tapi_server = "https://10.0.0.11:6443"
        \tbearer_token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token"
        \tproxy_url  = "http://proxy.lan:3128"
        \tfollow_redirects = false
        \tenable_http2 = false
        \ttls_config {
        \t\tca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
        \t}
        }
        discovery.kubernetes "from_kubeconfig" {
        \trole            = "pod"
        \tkubeconfig_file = "/etc/rancher/k3s/k3s.yaml"
        }
        discovery.kubernetes "oauth2_behind_proxy" {
        \trole       = "pod"
        \tapi_server = "https://k8s.example.com:6443"
        \tproxy_url  = "http://proxy.lan:3128"
        \tno_proxy   = "10.0.0.0/8,.cluster.local"
        \tproxy_connect_header = {"Proxy-Authorization" = ["Basic dXNlcjpwdw=="], "X-Site" = ["homelab"]}
        \toauth2 {
        \t\tclient_id          = "tributary"
        \t\tclient_secret_file = "/etc/tributary/oauth2-secret"
        \t\tscopes             = ["k8s"]
        \t\ttoken_url          = "https://sso.example.com/token"
        \t\tendpoint_params    = {audience = "k8s"}
        \t\tproxy_from_environment = true
        \t\ttls_config {
        \t\t\tinsecure_skip_verify = false
        \t\t}
        \t}
        }
        """)
        #expect(d.isEmpty, "\(d)")
    }

    @Test func refusalsNameTheArgument() {
        let d = diagnostics("""
        discovery.kubernetes "a" {
        \trole = "service"
        }
        discovery.kubernetes "b" {
        \trole = "pods"
        }
        discovery.kubernetes "c" {
        \trole       = "pod"
        \tapi_server = "https://k8s:6443"
        \tbearer_token = "x"
        \tbasic_auth {
        \t\tusername = "u"
        \t}
        \toauth2 {
        \t\tclient_id = "x"
        \t}
        \tno_proxy = "10.0.0.0/8"
        }
        discovery.kubernetes "d" {
        \tselectors {
        \t\tfield = "spec.nodeName=x"
        \t}
        }
        """)
        let text = d.joined(separator: "\n")
        #expect(!text.contains("k.alloy:2:"), "role service is accepted")
        #expect(text.contains("unknown role \"pods\""))
        #expect(text.contains("at most one of basic_auth, authorization, oauth2, bearer_token and bearer_token_file"))
        #expect(text.contains("either oauth2 client_secret or client_secret_file must be configured"))
        #expect(text.contains("if no_proxy is configured, proxy_url must also be configured"))
        #expect(text.contains("\"role\""), "missing required role is reported")
    }
}
