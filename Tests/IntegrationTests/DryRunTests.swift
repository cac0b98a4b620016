import Foundation
import Testing

/// `tributary test`: the example pipelines fed with sample lines, with exact expected output.
@Suite struct DryRunTests {
    @Test func kubernetesExampleJoinsPartialLinesAndSkipsTheJournalPath() throws {
        let input = """
        2026-11-25T10:00:00.123456789Z stdout P part-one-
        2026-11-25T10:00:00.2Z stderr F level=error msg="boom"
        2026-11-25T10:00:00.3Z stdout F part-two

        """
        let (status, out, err) = try Agent.runToEnd(["test", "examples/kubernetes.alloy", "--labels",
                                                     #"{namespace = "airflow", pod = "w-1", container = "worker"}"#,
                                                     "--timestamp", "2026-11-25T10:00:01Z"], stdin: input)
        #expect(status == 0, "\(err)")
        #expect(out == #"""
        entry points: loki.process.pods

        line 1: 2026-11-25T10:00:00.123456789Z stdout P part-one-
          (held by a stage)

        line 2: 2026-11-25T10:00:00.2Z stderr F level=error msg="boom"
          loki.process.pods emits 2026-11-25T10:00:00.200000000Z {container="worker", namespace="airflow", pod="w-1", stream="stderr"} "level=error msg=\"boom\""
          loki.write.loki receives it

        line 3: 2026-11-25T10:00:00.3Z stdout F part-two
          loki.process.pods emits 2026-11-25T10:00:00.300000000Z {container="worker", namespace="airflow", pod="w-1", stream="stdout"} "part-one-part-two"
          loki.write.loki receives it

        """#)
    }

    @Test func auditExampleDropsWithItsReasonAndMovesFieldsToMetadata() throws {
        let input = #"""
        {"stage":"RequestReceived","verb":"get","user":{"username":"admin"},"stageTimestamp":"2026-11-25T10:00:00.000001Z"}
        {"stage":"ResponseComplete","verb":"get","user":{"username":"admin"},"objectRef":{"resource":"pods","namespace":"airflow"},"responseStatus":{"code":200},"stageTimestamp":"2026-11-25T10:00:00.5Z"}

        """#
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("audit.log")
        try Data(input.utf8).write(to: file)
        let (status, out, err) = try Agent.runToEnd(["test", "examples/audit.alloy", "--input", file.path,
                                                     "--labels", #"{job = "kubernetes-audit"}"#, "--timestamp", "2026-11-25T10:05:00Z"])
        #expect(status == 0, "\(err)")
        #expect(out == #"""
        entry points: loki.process.audit

        line 1: {"stage":"RequestReceived","verb":"get","user":{"username":"admin"},"stageTimestamp":"2026-11-25T10:00:00.000001Z"}
          loki.process.audit drops it: audit_request_received

        line 2: {"stage":"ResponseComplete","verb":"get","user":{"username":"admin"},"objectRef":{"resource":"pods","namespace":"airflow"},"responseStatus":{"code":200},"stageTimestamp":"2026-11-25T10:00:00.5Z"}
          loki.process.audit emits 2026-11-25T10:00:00.500000000Z {job="kubernetes-audit", verb="get"} metadata {code="200", namespace="airflow", resource="pods", user="admin"} "{\"stage\":\"ResponseComplete\",\"verb\":\"get\",\"user\":{\"username\":\"admin\"},\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"airflow\"},\"responseStatus\":{\"code\":200},\"stageTimestamp\":\"2026-11-25T10:00:00.5Z\"}"
          loki.write.loki receives it

        """#)
    }

    @Test func airflowExampleJoinsATracebackAndFlushesTheLastBlockAtTheEnd() throws {
        let input = """
        [2026-11-25T10:00:01.500+0000] {taskinstance.py:1400} ERROR - Task failed
        Traceback (most recent call last):
        ValueError: boom
        [2026-11-25T10:00:02.000+0000] {local_task_job.py:212} INFO - done

        """
        let (status, out, err) = try Agent.runToEnd(["test", "examples/airflow.alloy", "--labels",
                                                     #"{job = "airflow-tasks", filename = "/var/log/airflow/dag_id=etl/run_id=manual__1/task_id=load/attempt=1.log"}"#,
                                                     "--timestamp", "2026-11-25T10:05:00Z"], stdin: input)
        #expect(status == 0, "\(err)")
        let metadata = #"metadata {attempt="1", run_id="manual__1", task_id="load"}"#
        #expect(out == """
        entry points: loki.process.airflow

        line 1: [2026-11-25T10:00:01.500+0000] {taskinstance.py:1400} ERROR - Task failed
          (held by a stage)

        line 2: Traceback (most recent call last):
          (held by a stage)

        line 3: ValueError: boom
          (held by a stage)

        line 4: [2026-11-25T10:00:02.000+0000] {local_task_job.py:212} INFO - done
          loki.process.airflow emits 2026-11-25T10:00:01.500000000Z {dag_id="etl", job="airflow-tasks", level="ERROR"} \(metadata) "[2026-11-25T10:00:01.500+0000] {taskinstance.py:1400} ERROR - Task failed\\nTraceback (most recent call last):\\nValueError: boom"
          loki.write.loki receives it

        held until the end:
          loki.process.airflow emits 2026-11-25T10:00:02.000000000Z {dag_id="etl", job="airflow-tasks", level="INFO"} \(metadata) "[2026-11-25T10:00:02.000+0000] {local_task_job.py:212} INFO - done"
          loki.write.loki receives it

        """)
    }

    @Test func badArgumentsAreClearErrors() throws {
        let (status, _, err) = try Agent.runToEnd(["test", "examples/audit.alloy", "--labels", "[1]"], stdin: "x\n")
        #expect(status != 0 && err.contains("--labels"), "\(err)")
        let (status2, _, err2) = try Agent.runToEnd(["test", "examples/audit.alloy", "--timestamp", "yesterday"], stdin: "x\n")
        #expect(status2 != 0 && err2.contains("--timestamp"), "\(err2)")
    }

    /// Lines are followed into a copy of a foreach template per item, each named by its full id.
    @Test func foreachCopiesAreFollowed() throws {
        let dir = temporaryDirectory()
        let cfg = dir.appendingPathComponent("c.alloy")
        try Data("""
        loki.source.file "app" {
        \ttargets    = [{"__path__" = "/tmp/app.log"}]
        \tforward_to = [loki.relabel.fanout.receiver]
        }

        loki.relabel "fanout" {
        \tforward_to = [foreach.teams.receiver]
        }

        foreach "teams" {
        \tcollection = ["data", "web"]
        \tvar        = "team"

        \ttemplate {
        \t\tloki.process "tag" {
        \t\t\tforward_to = [loki.echo.out.receiver]

        \t\t\tstage.static_labels {
        \t\t\t\tvalues = {team = team}
        \t\t\t}
        \t\t}
        \t}
        }

        loki.echo "out" { }

        """.utf8).write(to: cfg)
        // A foreach exports nothing, so nothing can forward to it: the error names the reference.
        let (status, _, err) = try Agent.runToEnd(["test", cfg.path], stdin: "x\n")
        #expect(status != 0 && err.contains("foreach.teams.receiver"), "\(err)")
        let fixed = try String(contentsOf: cfg, encoding: .utf8)
            .replacingOccurrences(of: "forward_to = [foreach.teams.receiver]", with: "forward_to = [loki.echo.out.receiver]")
            .replacingOccurrences(of: "loki.process \"tag\" {", with: "loki.source.file \"team\" {\n\t\t\ttargets    = [{\"__path__\" = \"/tmp/\" + team + \".log\"}]\n\t\t\tforward_to = [loki.process.tag.receiver]\n\t\t}\n\n\t\tloki.process \"tag\" {")
        try Data(fixed.utf8).write(to: cfg)
        let (status2, out, err2) = try Agent.runToEnd(["test", cfg.path, "--timestamp", "2026-11-25T12:00:00Z", "--labels", "{job = \"app\"}"], stdin: "x\n")
        #expect(status2 == 0, "\(err2)")
        #expect(out == """
        entry points: loki.relabel.fanout, foreach.teams/foreach_data_1/loki.process.tag, foreach.teams/foreach_web_1/loki.process.tag

        line 1: x
          loki.relabel.fanout emits 2026-11-25T12:00:00.000000000Z {job="app"} "x"
          loki.echo.out receives it
          foreach.teams/foreach_data_1/loki.process.tag emits 2026-11-25T12:00:00.000000000Z {job="app", team="data"} "x"
          loki.echo.out receives it
          foreach.teams/foreach_web_1/loki.process.tag emits 2026-11-25T12:00:00.000000000Z {job="app", team="web"} "x"
          loki.echo.out receives it

        """, "\(out)")
    }
}
