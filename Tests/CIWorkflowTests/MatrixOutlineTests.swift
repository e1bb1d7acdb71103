import CIBasics
import OrderedCollections
import Testing

@testable import CIWorkflow

/// `MatrixExpansion.outline`, which the loader's matrix checks use, must agree with `expand`.
@Suite struct MatrixOutlineTests {
    /// A small deterministic generator (a linear congruential one), so failures reproduce.
    struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let values: [JSONValue] = [
        .string("a"), .string("b"), .int(1), .int(2), .bool(true), .null,
        .object([("x", .int(1))]), .object([("x", .int(1)), ("y", .string("a"))]), .array([.int(1)]),
    ]
    static let names = ["os", "v", "node", "extra"]

    static func row(_ generator: inout Generator, keys: Int) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for _ in 0..<keys {
            let name = names[generator.next(names.count)]
            if members.contains(where: { $0.key == name }) { continue }
            members.append((name, values[generator.next(values.count)]))
        }
        return .object(members)
    }

    static func definition(_ seed: UInt64) -> MatrixDefinition {
        var generator = Generator(state: seed)
        var definition = MatrixDefinition()
        for name in names.prefix(generator.next(4)) {
            definition.axes[name] = .values((0..<generator.next(4)).map { _ in values[generator.next(values.count)] })
        }
        if generator.next(2) == 1 {
            definition.exclude = .rows((0..<generator.next(4)).map { _ in row(&generator, keys: 1 + generator.next(3)) })
        }
        if generator.next(2) == 1 {
            definition.include = .rows((0..<generator.next(4)).map { _ in row(&generator, keys: 1 + generator.next(3)) })
        }
        return definition
    }

    @Test func outlineAgreesWithExpandOnGeneratedMatrices() {
        var compared = 0
        for seed in UInt64(1)...3000 {
            let definition = Self.definition(seed)
            let outline = MatrixExpansion.outline(definition)
            switch MatrixExpansion.expand(definition) {
            case .success(let expansion):
                #expect(outline?.count == expansion.combinations.count, "seed \(seed)")
                #expect(outline?.unusedExcludes == expansion.unusedExcludes, "seed \(seed)")
                compared += 1
            case .failure:
                #expect(outline == nil, "seed \(seed)")
            }
        }
        #expect(compared > 2000)
    }

    @Test func outlineIsNilWhereExpandFails() {
        let dynamicAxis = MatrixDefinition(axes: ["os": .expression("${{ fromJSON(x) }}")])
        let dynamicValue = MatrixDefinition(axes: ["os": .values([.string("${{ x }}")])])
        let dynamicRows = MatrixDefinition(axes: ["os": .values([.string("a")])], include: .expression("${{ x }}"))
        for definition in [dynamicAxis, dynamicValue, dynamicRows] {
            #expect(MatrixExpansion.outline(definition) == nil)
            #expect((try? MatrixExpansion.expand(definition).get()) == nil)
        }
    }
}
