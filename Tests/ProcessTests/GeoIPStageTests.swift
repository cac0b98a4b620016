import Foundation
import Testing
@testable import Process

/// `stage.geoip` on MaxMind databases written by `scripts/write-test-mmdb.py` (mmdb-writer), read through
/// libmaxminddb.
@Suite(.serialized) struct GeoIPStageTests {
    static let directory: String = {
        let dir = NSTemporaryDirectory() + "tributary-geoip-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", repo.appendingPathComponent("scripts/write-test-mmdb.py").path, dir]
        try? p.run()
        p.waitUntilExit()
        return dir
    }()

    func harness(_ body: String) throws -> StageHarness {
        try StageHarness("stage.regex {\n\texpression = \"^(?P<ip>\\\\S+)\"\n}\nstage.geoip {\n" + body + "\n}")
    }

    @Test func cityRecordsAsAlloyStoresThem() throws {
        let h = try harness("\tdb = \"\(Self.directory)/city.mmdb\"\n\tsource = \"ip\"\n\tdb_type = \"city\"")
        let e = try #require(h.one("192.0.2.7 GET /"))
        #expect(e.x("geoip_city_name") == "Berlin")
        #expect(e.x("geoip_country_name") == "Germany")
        #expect(e.x("geoip_country_code") == "DE")
        #expect(e.x("geoip_continent_name") == "Europe")
        #expect(e.x("geoip_continent_code") == "EU")
        #expect(e.x("geoip_postal_code") == "10178")
        #expect(e.x("geoip_timezone") == "Europe/Berlin")
        #expect(e.extracted["geoip_location_latitude"] == .number(52.5196))
        #expect(e.extracted["geoip_location_longitude"] == .number(13.4069))
        #expect(e.x("geoip_subdivision_name") == "Mitte", "the last subdivision")
        #expect(e.x("geoip_subdivision_code") == "BE-M")
        #expect(try #require(h.one("2001:db8:1::5 GET /")).x("geoip_city_name") == "Berlin", "IPv6")
        // Known only to its country: no city, no coordinates, nothing empty stored.
        let ca = try #require(h.one("198.51.100.1 GET /"))
        #expect(ca.x("geoip_country_code") == "CA")
        #expect(ca.extracted["geoip_city_name"] == nil && ca.extracted["geoip_location_latitude"] == nil)
        // Not in the database, or not an address: the entry passes unchanged.
        #expect(try #require(h.one("203.0.113.9 GET /")).extracted["geoip_country_code"] == nil)
        #expect(try #require(h.one("localhost GET /")).extracted["geoip_country_code"] == nil)
    }

    @Test func countryAndASNDatabases() throws {
        let country = try harness("\tdb = \"\(Self.directory)/country.mmdb\"\n\tsource = \"ip\"\n\tdb_type = \"country\"")
        let c = try #require(country.one("192.0.2.7"))
        #expect(c.x("geoip_country_name") == "Germany" && c.x("geoip_continent_code") == "EU")
        #expect(c.extracted["geoip_city_name"] == nil)
        let asn = try harness("\tdb = \"\(Self.directory)/asn.mmdb\"\n\tsource = \"ip\"\n\tdb_type = \"asn\"")
        let a = try #require(asn.one("203.0.113.9"))
        #expect(a.extracted["geoip_autonomous_system_number"] == .number(64496))
        #expect(a.x("geoip_autonomous_system_organization") == "Example Homelab Transit")
    }

    @Test func customLookupsAreJMESPathOverTheRecord() throws {
        let h = try harness("""
        \tdb = "\(Self.directory)/city.mmdb"
        \tsource = "ip"
        \tcustom_lookups = {
        \t\tgerman   = "country.names.de",
        \t\tradius   = "location.accuracy_radius",
        \t\tregions  = "subdivisions[*].iso_code",
        \t\tmissing  = "city.names.fr",
        \t}
        """)
        let e = try #require(h.one("192.0.2.7"))
        #expect(e.x("german") == "Deutschland")
        #expect(e.extracted["radius"] == .number(20))
        #expect(e.x("regions") == #"["BE","BE-M"]"#)
        #expect(e.extracted["missing"] == nil)
        #expect(e.extracted["geoip_city_name"] == nil, "no db_type: only the custom lookups")
    }

    @Test func alloysChecks() {
        func problems(_ body: String) -> String {
            do { _ = try harness(body); return "" } catch { return "\(error)" }
        }
        #expect(problems("\tdb = \"\(Self.directory)/city.mmdb\"\n\tsource = \"ip\"").contains("db type or values need to be set"))
        #expect(problems("\tdb = \"\(Self.directory)/city.mmdb\"\n\tsource = \"ip\"\n\tdb_type = \"isp\"").contains("db type should be either city or asn"))
        #expect(problems("\tdb = \"\(Self.directory)/nope.mmdb\"\n\tsource = \"ip\"\n\tdb_type = \"city\"").contains("cannot open MaxMind database"))
        #expect(problems("\tdb = \"\(Self.directory)/city.mmdb\"\n\tsource = \"\"\n\tdb_type = \"city\"").contains("source cannot be empty"))
    }
}
