import Testing

@testable import CQL

@Suite struct ClusterEventDiffTests {
    private static func inet(_ last: UInt8) -> ProtocolInet { ProtocolInet(addressBytes: [127, 0, 0, last], port: 9042) }

    private static func node(_ last: UInt8, inRing: Bool = true, up: Bool = true, generation: Int64 = 1) -> ClientVisibleNode {
        ClientVisibleNode(address: inet(last), isInRing: inRing, isUp: up, generation: generation)
    }

    @Test func unchangedViewsGiveNoEvents() {
        let view = ["a": Self.node(1), "b": Self.node(2, up: false)]
        #expect(ClusterEventDiff.events(from: view, to: view).isEmpty)
    }

    @Test func aNodeEnteringTheRingIsNewAndOneLeavingIsRemoved() {
        let before = ["a": Self.node(1), "b": Self.node(2, inRing: false), "c": Self.node(3)]
        let after = ["a": Self.node(1), "b": Self.node(2), "d": Self.node(4)]
        #expect(ClusterEventDiff.events(from: before, to: after) == [
            .topologyChange(.newNode, Self.inet(2)), .topologyChange(.removedNode, Self.inet(3)),
            .topologyChange(.newNode, Self.inet(4)),
        ])
    }

    @Test func livenessChangesAreDownAndUp() {
        let before = ["a": Self.node(1), "b": Self.node(2, up: false)]
        let after = ["a": Self.node(1, up: false), "b": Self.node(2)]
        #expect(ClusterEventDiff.events(from: before, to: after) == [
            .statusChange(.down, Self.inet(1)), .statusChange(.up, Self.inet(2)),
        ])
    }

    @Test func aRestartFasterThanFailureDetectionIsDownThenUp() {
        let before = ["a": Self.node(1, generation: 10)]
        let after = ["a": Self.node(1, generation: 11)]
        #expect(ClusterEventDiff.events(from: before, to: after) == [
            .statusChange(.down, Self.inet(1)), .statusChange(.up, Self.inet(1)),
        ])
        let restartedWhileDown = ["a": Self.node(1, up: false, generation: 12)]
        #expect(ClusterEventDiff.events(from: ["a": Self.node(1, up: false, generation: 11)], to: restartedWhileDown).isEmpty)
    }

    @Test func aNodeLeavingWhileDownIsOnlyRemoved() {
        let before = ["a": Self.node(1, up: false)]
        let after = ["a": Self.node(1, inRing: false, up: false)]
        #expect(ClusterEventDiff.events(from: before, to: after) == [.topologyChange(.removedNode, Self.inet(1))])
    }
}

@Suite struct SchemaEventDiffTests {
    private typealias Outline = SchemaOutline

    private static func keyspace(_ definition: String, _ tables: [String: (String, String)] = [:]) -> Outline.Keyspace {
        Outline.Keyspace(definition: definition,
                         tables: tables.mapValues { Outline.Table(identity: $0.0, definition: $0.1) })
    }

    private static func table(_ change: SchemaChange.ChangeType, _ keyspace: String, _ name: String) -> SchemaChange {
        SchemaChange(change: change, target: .table(keyspace: keyspace, name: name))
    }

    @Test func equalSchemasGiveNoChanges() {
        let outline = Outline(keyspaces: ["ks": Self.keyspace("r1", ["t": ("id1", "d1")])])
        #expect(SchemaEventDiff.changes(from: outline, to: outline).isEmpty)
    }

    @Test func aNewKeyspaceIsCreatedWithItsTables() {
        let after = Outline(keyspaces: ["ks": Self.keyspace("r1", ["b": ("2", "x"), "a": ("1", "x")])])
        #expect(SchemaEventDiff.changes(from: Outline(), to: after) == [
            SchemaChange(change: .created, target: .keyspace("ks")), Self.table(.created, "ks", "a"),
            Self.table(.created, "ks", "b"),
        ])
    }

    @Test func aDroppedKeyspaceIsOneDrop() {
        let before = Outline(keyspaces: ["ks": Self.keyspace("r1", ["t": ("1", "x")]), "other": Self.keyspace("r1")])
        let after = Outline(keyspaces: ["other": Self.keyspace("r1")])
        #expect(SchemaEventDiff.changes(from: before, to: after) == [SchemaChange(change: .dropped, target: .keyspace("ks"))])
    }

    @Test func tableAndKeyspaceChanges() {
        let before = Outline(keyspaces: ["ks": Self.keyspace("r1", [
            "altered": ("1", "x"), "dropped": ("2", "x"), "recreated": ("3", "x"), "same": ("4", "x"),
        ])])
        let after = Outline(keyspaces: ["ks": Self.keyspace("r2", [
            "altered": ("1", "y"), "created": ("5", "x"), "recreated": ("6", "x"), "same": ("4", "x"),
        ])])
        #expect(SchemaEventDiff.changes(from: before, to: after) == [
            SchemaChange(change: .updated, target: .keyspace("ks")), Self.table(.updated, "ks", "altered"),
            Self.table(.created, "ks", "created"), Self.table(.dropped, "ks", "dropped"),
            Self.table(.dropped, "ks", "recreated"), Self.table(.created, "ks", "recreated"),
        ])
    }

    private static func type(_ change: SchemaChange.ChangeType, _ name: String) -> SchemaChange {
        SchemaChange(change: change, target: .type(keyspace: "ks", name: name))
    }

    @Test func typesChangeBeforeTablesAndDropAfterThem() {
        var before = Self.keyspace("r1", ["old": ("1", "x")])
        before.types = ["altered": "a1", "dropped": "d1", "same": "s1"]
        var after = Self.keyspace("r1", ["new": ("2", "x")])
        after.types = ["altered": "a2", "created": "c1", "same": "s1"]
        #expect(SchemaEventDiff.changes(from: Outline(keyspaces: ["ks": before]), to: Outline(keyspaces: ["ks": after])) == [
            Self.type(.updated, "altered"), Self.type(.created, "created"),
            Self.table(.created, "ks", "new"), Self.table(.dropped, "ks", "old"), Self.type(.dropped, "dropped"),
        ])
        #expect(SchemaEventDiff.changes(from: Outline(), to: Outline(keyspaces: ["ks": after])) == [
            SchemaChange(change: .created, target: .keyspace("ks")), Self.type(.created, "altered"),
            Self.type(.created, "created"), Self.type(.created, "same"), Self.table(.created, "ks", "new"),
        ])
    }
}
