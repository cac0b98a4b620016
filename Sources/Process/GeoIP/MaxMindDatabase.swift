import CMaxMindDB
import Codecs
#if canImport(Glibc)
import Glibc
#endif

/// A MaxMind DB file (GeoIP2/GeoLite2 City, Country, ASN, or any database in the format) opened read-only
/// through libmaxminddb, memory-mapped; lookups are thread-safe.
final class MaxMindDatabase: @unchecked Sendable {
    private let db: UnsafeMutablePointer<MMDB_s>
    let path: String

    struct OpenError: Error, CustomStringConvertible { var description: String }

    init(path: String) throws {
        // Opened before any property is set: a failure then throws without running deinit.
        let handle = UnsafeMutablePointer<MMDB_s>.allocate(capacity: 1)
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), handle)
        guard status == MMDB_SUCCESS else {
            handle.deallocate()
            throw OpenError(description: "cannot open MaxMind database \(path): \(String(cString: MMDB_strerror(status)))")
        }
        db = handle
        self.path = path
    }

    deinit {
        MMDB_close(db)
        db.deallocate()
    }

    /// The database type its metadata names (`GeoLite2-City`, `GeoLite2-ASN`, …).
    var databaseType: String { db.pointee.metadata.database_type.map { String(cString: $0) } ?? "" }

    /// The record for an IP address; nil when the database has none for it.
    func lookup(_ ip: String) throws -> Record? {
        var gaiError: Int32 = 0, mmdbError: Int32 = 0
        let result = MMDB_lookup_string(db, ip, &gaiError, &mmdbError)
        if gaiError != 0 { throw OpenError(description: "\(ip) is not an IP address") }
        if mmdbError != MMDB_SUCCESS { throw OpenError(description: "lookup of \(ip) failed: \(String(cString: MMDB_strerror(mmdbError)))") }
        return result.found_entry ? Record(entry: result.entry, owner: self) : nil
    }

    /// One record of the database.
    struct Record {
        var entry: MMDB_entry_s
        let owner: MaxMindDatabase

        /// The value at a path of map keys and array indexes (`["city", "names", "en"]`).
        func value(_ path: [String]) -> JSON? {
            var entry = self.entry
            var data = MMDB_entry_data_s()
            let status = withCStrings(path) { MMDB_aget_value(&entry, &data, $0) }
            guard status == MMDB_SUCCESS, data.has_data else { return nil }
            switch Int32(data.type) {
            case MMDB_DATA_TYPE_MAP, MMDB_DATA_TYPE_ARRAY:
                var sub = MMDB_entry_s(mmdb: entry.mmdb, offset: data.offset)
                return MaxMindDatabase.json(of: &sub)
            default:
                return MaxMindDatabase.scalar(data)
            }
        }

        func string(_ path: String...) -> String? {
            if case .string(let s)? = value(path) { return s }
            return nil
        }

        func number(_ path: String...) -> Double? {
            if case .number(let d, _)? = value(path) { return d }
            return nil
        }

        /// The whole record as JSON (maps become objects, in the database's order).
        var json: JSON {
            var e = entry
            return MaxMindDatabase.json(of: &e) ?? .null
        }
    }

    static func json(of entry: inout MMDB_entry_s) -> JSON? {
        var list: UnsafeMutablePointer<MMDB_entry_data_list_s>? = nil
        guard MMDB_get_entry_data_list(&entry, &list) == MMDB_SUCCESS, let head = list else { return nil }
        defer { MMDB_free_entry_data_list(head) }
        var cursor: UnsafeMutablePointer<MMDB_entry_data_list_s>? = head
        return decode(&cursor)
    }

    /// Decodes the value at `cursor` (a pre-order list: a map's size, then its keys and values) and moves past it.
    private static func decode(_ cursor: inout UnsafeMutablePointer<MMDB_entry_data_list_s>?) -> JSON {
        guard let node = cursor else { return .null }
        let data = node.pointee.entry_data
        cursor = node.pointee.next
        switch Int32(data.type) {
        case MMDB_DATA_TYPE_MAP:
            var fields: [(String, JSON)] = []
            for _ in 0..<Int(data.data_size) {
                guard let keyNode = cursor else { break }
                let key = scalar(keyNode.pointee.entry_data)
                cursor = keyNode.pointee.next
                let value = decode(&cursor)
                if case .string(let k) = key { fields.append((k, value)) }
            }
            return .object(fields)
        case MMDB_DATA_TYPE_ARRAY:
            var items: [JSON] = []
            for _ in 0..<Int(data.data_size) { items.append(decode(&cursor)) }
            return .array(items)
        default:
            return scalar(data)
        }
    }

    /// A scalar entry as JSON: strings, numbers (all integer widths and floats), booleans; bytes as a string.
    static func scalar(_ data: MMDB_entry_data_s) -> JSON {
        switch Int32(data.type) {
        case MMDB_DATA_TYPE_UTF8_STRING, MMDB_DATA_TYPE_BYTES:
            guard let p = data.utf8_string else { return .string("") }
            let bytes = UnsafeRawBufferPointer(start: p, count: Int(data.data_size))
            return .string(String(decoding: bytes, as: UTF8.self))
        case MMDB_DATA_TYPE_DOUBLE: return .number(data.double_value)
        case MMDB_DATA_TYPE_FLOAT: return .number(Double(data.float_value))
        case MMDB_DATA_TYPE_UINT16: return .number(Double(data.uint16))
        case MMDB_DATA_TYPE_UINT32: return .number(Double(data.uint32))
        case MMDB_DATA_TYPE_INT32: return .number(Double(data.int32))
        case MMDB_DATA_TYPE_UINT64: return .number(Double(data.uint64))
        case MMDB_DATA_TYPE_BOOLEAN: return .bool(data.boolean)
        default: return .null
        }
    }
}

/// Calls `body` with a NULL-terminated array of C strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}
