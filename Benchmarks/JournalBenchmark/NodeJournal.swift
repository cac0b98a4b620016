import Foundation
import JournalFixtures

/// The benchmark's input: a node's journal of kubelet, containerd, kernel and system service entries, with the
/// fields journald gives native and stdout entries (about 20 per entry), written by systemd-journal-remote.
enum NodeJournal {
    struct Source {
        let unit: String, comm: String, exe: String, cmdline: String, pid: Int, transport: String
    }
    static let sources = [
        Source(unit: "kubelet.service", comm: "kubelet", exe: "/usr/bin/kubelet",
               cmdline: "/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///run/containerd/containerd.sock",
               pid: 1204, transport: "stdout"),
        Source(unit: "containerd.service", comm: "containerd", exe: "/usr/bin/containerd", cmdline: "/usr/bin/containerd", pid: 812, transport: "stdout"),
        Source(unit: "", comm: "", exe: "", cmdline: "", pid: 0, transport: "kernel"),
        Source(unit: "ssh.service", comm: "sshd", exe: "/usr/sbin/sshd", cmdline: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", pid: 2201, transport: "syslog"),
        Source(unit: "systemd-networkd.service", comm: "systemd-network", exe: "/lib/systemd/systemd-networkd", cmdline: "/lib/systemd/systemd-networkd", pid: 402, transport: "journal"),
    ]

    /// The export-format text of entry `i` (kubelet half of the time, containerd a quarter, the rest kernel,
    /// sshd and networkd), `realtime` microseconds.
    static func append(_ i: Int, realtime: UInt64, to out: inout [UInt8]) {
        let pick = i % 8
        let s = sources[pick < 4 ? 0 : pick < 6 ? 1 : pick - 4]
        let priority = i % 97 == 0 ? "3" : i % 13 == 0 ? "4" : "6"
        var fields: [(String, String)] = [
            ("_HOSTNAME", "node-1"), ("_MACHINE_ID", "0b7e3f1a2c4d4e5f8a9b0c1d2e3f4a5b"), ("_TRANSPORT", s.transport),
            ("PRIORITY", priority), ("SYSLOG_FACILITY", s.transport == "kernel" ? "0" : "3"),
        ]
        let message: String
        if s.transport == "kernel" {
            fields.append(("SYSLOG_IDENTIFIER", "kernel"))
            message = "cni0: port \(i % 64)(veth\(String(i, radix: 16))) entered forwarding state"
        } else {
            fields += [("SYSLOG_IDENTIFIER", s.comm), ("_PID", "\(s.pid)"), ("_UID", "0"), ("_GID", "0"), ("_COMM", s.comm),
                       ("_EXE", s.exe), ("_CMDLINE", s.cmdline), ("_CAP_EFFECTIVE", "1ffffffffff"),
                       ("_SYSTEMD_CGROUP", "/system.slice/\(s.unit)"), ("_SYSTEMD_UNIT", s.unit), ("_SYSTEMD_SLICE", "system.slice"),
                       ("_SYSTEMD_INVOCATION_ID", "4c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"), ("_STREAM_ID", "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b")]
            switch s.comm {
            case "kubelet":
                message = "I1125 10:00:\(String(format: "%02d", i / 1000 % 60)).\(String(format: "%06d", i % 1_000_000))    1204 kubelet.go:2412] \"SyncLoop (PLEG): event for pod\" pod=\"airflow/airflow-worker-\(i % 50)\" event={\"ID\":\"\(i)\",\"Type\":\"ContainerStarted\"}"
            case "containerd":
                message = "time=\"2026-11-25T10:00:00.\(String(format: "%09d", i))Z\" level=info msg=\"StartContainer for \\\"\(String(i * 2654435761 % 4294967296, radix: 16))\\\" returns successfully\""
            case "sshd":
                message = "Accepted publickey for admin from 192.168.1.\(i % 250) port \(40000 + i % 20000) ssh2: ED25519 SHA256:Qm\(i)"
            default:
                message = "veth\(String(i, radix: 16)): Gained carrier"
            }
        }
        fields.append(("MESSAGE", message))
        JournalFixtures.appendExport(JournalFixtureEntry(fields, realtime: realtime, monotonic: UInt64(i) + 1), to: &out)
    }

    /// Writes `count` entries ending a minute ago into `dir/node.journal`, through an export file streamed to disk.
    static func write(count: Int, into dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let exportPath = dir + "/node.export"
        FileManager.default.createFile(atPath: exportPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: exportPath))
        let start = JournalFixtures.nowMicros - 60_000_000 - UInt64(count) * 50
        var chunk: [UInt8] = []
        for i in 0..<count {
            append(i, realtime: start + UInt64(i) * 50, to: &chunk)
            if chunk.count > 8 << 20 {
                handle.write(Data(chunk))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(chunk))
        try handle.close()
        defer { try? FileManager.default.removeItem(atPath: exportPath) }
        try JournalFixtures.convert(exportFile: exportPath, to: dir + "/node.journal")
    }
}
