import BenchCore
import KVClient
import KVCore

/// `--workload mixed`: each operation is drawn from `--mix` (`read=4,write=2,...`): kv
/// `read` and `write`, `profile-read`, `profile-update`, `segment` and `scan`. Only the
/// tables and statements the mix names are prepared.
struct MixedWorkload: BenchWorkload {
    static let allowed: Set<String> = ["read", "write", "profile-read", "profile-update", "segment", "scan"]

    let mix: OperationMix
    private let kv: KVWorkload?
    private let profiles: ProfileStatements?
    private let segment: SegmentWorkload?
    private let scan: ScanWorkload?

    init(schema: BenchSchema, settings: BenchSettings) async throws(KVClientError) {
        guard let mix = OperationMix(parsing: settings.mix, allowed: Self.allowed) else {
            throw .invalidArgument("bad --mix '\(settings.mix)': name=weight,... of \(Self.allowed.sorted())")
        }
        self.mix = mix
        let names = Set(mix.names)
        kv = names.isDisjoint(with: ["read", "write"]) ? nil : try await KVWorkload(schema: schema, settings: settings)
        profiles = names.isDisjoint(with: ["profile-read", "profile-update"]) ? nil
            : try await ProfileStatements(schema: schema, settings: settings)
        segment = names.contains("segment") ? try await SegmentWorkload(schema: schema, settings: settings) : nil
        scan = names.contains("scan") ? try await ScanWorkload(schema: schema, settings: settings, onePass: false) : nil
    }

    var operationNames: [String] { mix.names }
    var sendsPagedOperations: Bool { segment != nil || scan != nil }

    func operation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation {
        switch mix.choose(using: &random) {
        case "read": return kv!.readOperation(ticket: ticket, random: &random)
        case "write": return kv!.writeOperation(ticket: ticket, random: &random)
        case "profile-read": return profiles!.readOperation(ticket: ticket, random: &random)
        case "profile-update": return profiles!.updateOperation(ticket: ticket, random: &random)
        case "segment": return segment!.operation(ticket: ticket, random: &random)
        default: return scan!.operation(ticket: ticket, random: &random)
        }
    }
}
