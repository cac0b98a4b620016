import Codecs
import JMESPath
import LogCore

/// `stage.geoip`: looks the IP address in the extracted value `source` up in a MaxMind database and stores what
/// Alloy stores — for `db_type = "city"`: `geoip_city_name`, `geoip_country_name`, `geoip_country_code`,
/// `geoip_continent_name`, `geoip_continent_code`, `geoip_postal_code`, `geoip_timezone`,
/// `geoip_location_latitude`/`_longitude` (when either is not 0), `geoip_subdivision_name`/`_code` (of the last
/// subdivision); `"country"`: the country and continent ones; `"asn"`: `geoip_autonomous_system_number` and
/// `geoip_autonomous_system_organization`. Names are the English ones; empty values are not stored.
/// `custom_lookups` maps extracted names to JMESPath expressions over the whole record (any database).
final class GeoIPStage: EntryStage {
    let database: MaxMindDatabase?
    let source: String
    let dbType: String
    let customLookups: [(String, JMESPathExpression)]
    var extractedKeysRead: Set<String>? { [source] }

    init(_ a: inout some StageArguments) {
        let path = a.requiredString("db")
        source = a.requiredString("source")
        dbType = a.string("db_type") ?? ""
        var lookups: [(String, JMESPathExpression)] = []
        let custom = a.map("custom_lookups")
        for (key, expr) in (custom ?? [:]).sorted(by: { $0.key < $1.key }) {
            do { lookups.append((key, try JMESPathExpression(expr.isEmpty ? key : expr))) } catch {
                a.error("could not compile JMES expression for \"\(key)\": \(error)", attribute: "custom_lookups")
            }
        }
        customLookups = lookups
        if a.has("db") && path.isEmpty { a.error("db path cannot be empty", attribute: "db") }
        if a.has("source") && source.isEmpty { a.error("source cannot be empty", attribute: "source") }
        if dbType.isEmpty && custom == nil { a.error("db type or values need to be set", attribute: nil) }
        if !["", "asn", "city", "country"].contains(dbType) {
            a.error("db type should be either city or asn", attribute: "db_type")
        }
        var db: MaxMindDatabase? = nil
        if !path.isEmpty {
            do { db = try MaxMindDatabase(path: path) } catch { a.error("\(error)", attribute: "db") }
        }
        database = db
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        guard let database, let value = e.extracted[source]?.stringValue else { return nil }
        let record: MaxMindDatabase.Record?
        do { record = try database.lookup(value) } catch {
            ctx.logger.error("source is not an ip", metadata: ["source": "\(value)"])
            return nil
        }
        guard let record else { return nil }
        func store(_ name: String, _ text: String?) {
            if let text, !text.isEmpty { e.extracted[name] = .string(text) }
        }
        switch dbType {
        case "city", "country":
            store("geoip_country_name", record.string("country", "names", "en"))
            store("geoip_country_code", record.string("country", "iso_code"))
            store("geoip_continent_name", record.string("continent", "names", "en"))
            store("geoip_continent_code", record.string("continent", "code"))
            guard dbType == "city" else { break }
            store("geoip_city_name", record.string("city", "names", "en"))
            store("geoip_postal_code", record.string("postal", "code"))
            store("geoip_timezone", record.string("location", "time_zone"))
            let latitude = record.number("location", "latitude") ?? 0, longitude = record.number("location", "longitude") ?? 0
            if latitude != 0 || longitude != 0 {
                e.extracted["geoip_location_latitude"] = .number(latitude)
                e.extracted["geoip_location_longitude"] = .number(longitude)
            }
            if case .array(let subdivisions)? = record.value(["subdivisions"]), let last = subdivisions.last {
                if case .string(let name)? = last["names"]?["en"] { store("geoip_subdivision_name", name) }
                if case .string(let code)? = last["iso_code"] { store("geoip_subdivision_code", code) }
            }
        case "asn":
            if let number = record.number("autonomous_system_number"), number != 0 {
                e.extracted["geoip_autonomous_system_number"] = .number(number)
            }
            store("geoip_autonomous_system_organization", record.string("autonomous_system_organization"))
        default: break
        }
        if !customLookups.isEmpty {
            let whole = record.json
            for (key, expression) in customLookups {
                guard let found = try? expression.search(whole), found != .null else { continue }
                e.extracted[key] = found.extracted
            }
        }
        return nil
    }
}
