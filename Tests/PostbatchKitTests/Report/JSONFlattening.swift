import Foundation

/// A report's JSON as dotted keys (`letters.by_group.1`) and their numbers.
enum JSONFlattening {
    static func numbers(in json: String) throws -> [String: Int] {
        var rows: [String: Int] = [:]
        func flatten(_ value: Any, prefix: String) {
            if let number = value as? Int {
                rows[prefix] = number
            } else if let object = value as? [String: Any] {
                for (key, child) in object { flatten(child, prefix: prefix.isEmpty ? key : "\(prefix).\(key)") }
            }
        }
        flatten(try JSONSerialization.jsonObject(with: Data(json.utf8)), prefix: "")
        return rows
    }
}
