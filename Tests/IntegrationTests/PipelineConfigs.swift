/// Configuration text the integration tests share.
enum PipelineConfigs {
    /// `loki.write "loki"` pushing to `url` with a 100 ms batch wait.
    static func write(to url: String) -> String {
        """
        loki.write "loki" {
        \tendpoint {
        \t\turl        = "\(url)"
        \t\tbatch_wait = "100ms"
        \t}
        }
        """
    }

    /// `loki.process "<process>"` adding `team = "data"` and sending to `loki.echo "out"` and to `loki.write "loki"`,
    /// whose endpoint is unreachable and carries basic auth `agent`/`hunter2` (a secret the API must hide).
    static func labelToEchoAndWrite(process: String) -> String {
        """
        loki.process "\(process)" {
        \tforward_to = [loki.echo.out.receiver, loki.write.loki.receiver]

        \tstage.static_labels {
        \t\tvalues = {team = "data"}
        \t}
        }

        loki.echo "out" { }

        loki.write "loki" {
        \tendpoint {
        \t\turl = "http://127.0.0.1:9/loki/api/v1/push"

        \t\tbasic_auth {
        \t\t\tusername = "agent"
        \t\t\tpassword = "hunter2"
        \t\t}
        \t}
        }
        """
    }
}
