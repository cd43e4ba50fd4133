import Foundation
import Yams

/// Reads settings files. Unlike plain `YAMLDecoder`, an unknown key is an error, and every
/// error names the file and the dotted path of the bad key or value, so a typo in a config
/// never silently falls back to a default.
public enum StrictYAML {
    public struct ConfigError: Error, CustomStringConvertible {
        public var file: String
        public var path: String
        public var problem: String
        public init(file: String, path: String, problem: String) {
            self.file = file; self.path = path; self.problem = problem
        }
        public var description: String {
            path.isEmpty ? "\(file): \(problem)" : "\(file): \(path): \(problem)"
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, fromFile path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, path: "", problem: "cannot read the file (missing or unreadable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, path: "", problem: "not UTF-8 text")
        }
        return try decode(type, from: text, file: path)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String = "<config>") throws -> T {
        let node: Node
        do {
            node = try Yams.compose(yaml: text) ?? Node.mapping(Node.Mapping([]))
        } catch {
            throw ConfigError(file: file, path: "", problem: "not valid YAML: \(error)")
        }
        do {
            return try T(from: NodeDecoder(node: node, codingPath: [], file: file))
        } catch let error as ConfigError {
            throw error
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw ConfigError(file: file, path: dotted(ctx.codingPath), problem: "missing required key '\(key.stringValue)'")
        } catch let DecodingError.dataCorrupted(ctx) {
            throw ConfigError(file: file, path: dotted(ctx.codingPath), problem: ctx.debugDescription)
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw ConfigError(file: file, path: dotted(ctx.codingPath), problem: ctx.debugDescription)
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw ConfigError(file: file, path: dotted(ctx.codingPath), problem: ctx.debugDescription)
        } catch {
            throw ConfigError(file: file, path: "", problem: "\(error)")
        }
    }

    static func dotted(_ path: [CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
}

private struct IndexKey: CodingKey {
    var stringValue: String { "\(intValue!)" }
    var intValue: Int?
    init(_ i: Int) { intValue = i }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct NodeDecoder: Decoder {
    let node: Node
    let codingPath: [CodingKey]
    let file: String
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func fail(_ problem: String) -> StrictYAML.ConfigError {
        StrictYAML.ConfigError(file: file, path: StrictYAML.dotted(codingPath), problem: problem)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let mapping) = node else {
            if case .scalar(let s) = node, s.string.isEmpty || s.string == "~" || s.string == "null" {
                return KeyedDecodingContainer(KeyedNodeContainer<Key>(entries: [:], codingPath: codingPath, file: file))
            }
            throw fail("expected a mapping of keys, found \(describe(node))")
        }
        var entries: [String: Node] = [:]
        for (k, v) in mapping {
            guard let key = k.string else { throw fail("a key is not a plain string") }
            // The whole point: a key the settings type does not declare is a mistake.
            if Key(stringValue: key) == nil {
                throw StrictYAML.ConfigError(file: file, path: StrictYAML.dotted(codingPath + [IndexKeyString(key)]),
                                             problem: "unknown key '\(key)'")
            }
            if entries[key] != nil { throw fail("key '\(key)' appears twice") }
            entries[key] = v
        }
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(entries: entries, codingPath: codingPath, file: file))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .sequence(let seq) = node else { throw fail("expected a list, found \(describe(node))") }
        return UnkeyedNodeContainer(items: Array(seq), codingPath: codingPath, file: file)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { ScalarContainer(decoder: self) }
}

private struct IndexKeyString: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let s): return "'\(s.string)'"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
}

private func isNull(_ node: Node) -> Bool {
    if case .scalar(let s) = node {
        return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }
    return false
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let entries: [String: Node]
    let codingPath: [CodingKey]
    let file: String
    var allKeys: [Key] { entries.keys.compactMap { Key(stringValue: $0) } }
    func contains(_ key: Key) -> Bool { entries[key.stringValue] != nil }

    func child(_ key: Key) throws -> NodeDecoder {
        guard let node = entries[key.stringValue] else {
            throw StrictYAML.ConfigError(file: file, path: StrictYAML.dotted(codingPath),
                                         problem: "missing required key '\(key.stringValue)'")
        }
        return NodeDecoder(node: node, codingPath: codingPath + [key], file: file)
    }

    func decodeNil(forKey key: Key) throws -> Bool { entries[key.stringValue].map(isNull) ?? true }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try T(from: child(key)) }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
    func superDecoder() throws -> Decoder { NodeDecoder(node: .mapping(Node.Mapping(entries.map { (Node($0.key), $0.value) })), codingPath: codingPath, file: file) }
    func superDecoder(forKey key: Key) throws -> Decoder { try child(key) }
}

private struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let items: [Node]
    let codingPath: [CodingKey]
    let file: String
    var currentIndex = 0
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw StrictYAML.ConfigError(file: file, path: StrictYAML.dotted(codingPath), problem: "list is too short")
        }
        defer { currentIndex += 1 }
        return NodeDecoder(node: items[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)], file: file)
    }
    mutating func decodeNil() throws -> Bool {
        if !isAtEnd, isNull(items[currentIndex]) { currentIndex += 1; return true }
        return false
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: next()) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> Decoder { try next() }
}

private struct ScalarContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [CodingKey] { decoder.codingPath }

    func scalar(_ what: String) throws -> String {
        guard case .scalar(let s) = decoder.node else {
            throw decoder.fail("expected \(what), found \(describe(decoder.node))")
        }
        return s.string
    }
    func number<T>(_ what: String, _ parse: (String) -> T?) throws -> T {
        let text = try scalar(what)
        guard let v = parse(text.trimmingCharacters(in: .whitespaces)) else {
            throw decoder.fail("expected \(what), found '\(text)'")
        }
        return v
    }

    func decodeNil() -> Bool { isNull(decoder.node) }
    func decode(_ type: Bool.Type) throws -> Bool {
        try number("true or false") { ["true": true, "True": true, "yes": true, "false": false, "False": false, "no": false][$0] }
    }
    func decode(_ type: String.Type) throws -> String { try scalar("a string") }
    func decode(_ type: Double.Type) throws -> Double {
        try number("a number") { s in Double(s).flatMap { $0.isFinite ? $0 : nil } }
    }
    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { try number("a whole number") { Int($0) } }
    func decode(_ type: Int8.Type) throws -> Int8 { try number("a whole number in -128...127") { Int8($0) } }
    func decode(_ type: Int16.Type) throws -> Int16 { try number("a whole number") { Int16($0) } }
    func decode(_ type: Int32.Type) throws -> Int32 { try number("a whole number") { Int32($0) } }
    func decode(_ type: Int64.Type) throws -> Int64 { try number("a whole number") { Int64($0) } }
    func decode(_ type: UInt.Type) throws -> UInt { try number("a whole number >= 0") { UInt($0) } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try number("a whole number in 0...255") { UInt8($0) } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try number("a whole number >= 0") { UInt16($0) } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try number("a whole number >= 0") { UInt32($0) } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try number("a whole number >= 0") { UInt64($0) } }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: decoder) }
}
