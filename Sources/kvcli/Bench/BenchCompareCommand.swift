import ArgumentParser
import BenchCore
import Foundation

/// `kvcli bench compare A.json B.json`: every metric of both reports and its change in percent.
struct BenchCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Print each metric of two --json reports and its change from A to B in percent.")

    @Argument(help: "The baseline report.")
    var a: String

    @Argument(help: "The report compared with it.")
    var b: String

    func run() throws {
        print(ReportComparison(try Self.load(a), try Self.load(b)).render())
    }

    static func load(_ path: String) throws -> BenchReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read '\(path)'")
        }
        do {
            return try BenchReport.decode(data)
        } catch {
            throw ValidationError("'\(path)' is not a kvcli bench --json report: \(error)")
        }
    }
}
