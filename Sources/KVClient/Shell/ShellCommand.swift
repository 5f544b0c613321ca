import CQL

/// The commands the CQL shell runs itself instead of sending them to the server.
public enum ShellCommand: Sendable, Equatable {
    /// `CONSISTENCY`: print the current level.
    case showConsistency
    /// `CONSISTENCY <level>`.
    case setConsistency(ProtocolConsistency)
    /// `SERIAL CONSISTENCY`: print the serial level.
    case showSerialConsistency
    /// `SERIAL CONSISTENCY <level>` (SERIAL or LOCAL_SERIAL).
    case setSerialConsistency(ProtocolConsistency)
    /// `PAGING`: print the paging setting.
    case showPaging
    /// `PAGING ON`.
    case pagingOn
    /// `PAGING OFF`.
    case pagingOff
    /// `PAGING <n>`: on, with pages of n rows.
    case pageSize(Int32)
    /// `EXIT` or `QUIT`.
    case exit
    /// A shell command with bad arguments; the message says what is wrong.
    case invalid(String)

    /// The first words that make a line a shell command (complete without `;`).
    public static let lineTerminatedWords: Set<String> = ["CONSISTENCY", "SERIAL", "PAGING", "EXIT", "QUIT"]

    /// The command `statement` is, or nil when it is CQL for the server.
    public static func parse(_ statement: String) -> ShellCommand? {
        let words = statement.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map { $0.uppercased() }
        guard let first = words.first else { return nil }
        switch first {
        case "EXIT", "QUIT": return words.count == 1 ? .exit : .invalid("Improper \(first) command.")
        case "CONSISTENCY": return consistency(Array(words.dropFirst()))
        case "SERIAL":
            guard words.count >= 2, words[1] == "CONSISTENCY" else { return nil }
            return serialConsistency(Array(words.dropFirst(2)))
        case "PAGING": return paging(Array(words.dropFirst()))
        default: return nil
        }
    }

    private static func consistency(_ arguments: [String]) -> ShellCommand {
        guard let name = arguments.first else { return .showConsistency }
        guard arguments.count == 1, let level = ProtocolConsistency(name: name) else {
            return .invalid("Improper CONSISTENCY command.")
        }
        return .setConsistency(level)
    }

    private static func serialConsistency(_ arguments: [String]) -> ShellCommand {
        guard let name = arguments.first else { return .showSerialConsistency }
        guard arguments.count == 1, let level = ProtocolConsistency(name: name),
              level == .serial || level == .localSerial else {
            return .invalid("Improper SERIAL CONSISTENCY command.")
        }
        return .setSerialConsistency(level)
    }

    private static func paging(_ arguments: [String]) -> ShellCommand {
        guard let argument = arguments.first else { return .showPaging }
        guard arguments.count == 1 else { return .invalid("Improper PAGING command.") }
        switch argument {
        case "ON": return .pagingOn
        case "OFF": return .pagingOff
        default:
            guard let size = Int32(argument), size > 0 else { return .invalid("Improper PAGING command.") }
            return .pageSize(size)
        }
    }
}
