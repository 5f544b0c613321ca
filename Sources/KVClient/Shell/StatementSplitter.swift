/// Splits CQL shell input into statements, line by line, as cqlsh does.
///
/// A statement ends at a `;` outside string literals (`'...'` with `''` escapes), quoted
/// identifiers (`"..."`), `$$...$$` bodies and comments (`-- ...`, `// ...`, `/* ... */`);
/// it may span lines. Comments are dropped from the text. A line that starts (outside any
/// statement) with a shell command word (`ShellCommand.lineTerminatedWords`: `EXIT`,
/// `CONSISTENCY`...) is a statement by itself, with or without `;`, as in cqlsh.
/// A value type: feed it lines in order, then call `finish()` at the end of input.
public struct StatementSplitter: Sendable {
    /// One complete statement: its text (without comments, the final `;` and surrounding
    /// whitespace) and the 1-based line it starts on.
    public struct Statement: Sendable, Equatable {
        public var text: String
        public var line: Int

        /// Creates a statement.
        public init(text: String, line: Int) {
            self.text = text
            self.line = line
        }
    }

    private enum Mode: Sendable {
        case normal, singleQuoted, doubleQuoted, dollarQuoted, blockComment
    }

    private let lineCommandWords: Set<String>
    private var mode = Mode.normal
    private var buffer = ""
    private var startLine: Int?
    private var lineNumber = 0

    /// A splitter treating lines that start with one of `lineCommandWords` (upper case) as
    /// whole statements.
    public init(lineCommandWords: Set<String> = ShellCommand.lineTerminatedWords) {
        self.lineCommandWords = lineCommandWords
    }

    /// Whether part of a statement has been read (the shell shows a continuation prompt).
    public var isInsideStatement: Bool { startLine != nil || mode != .normal }

    /// Splits `text` (all of a script or `-e` argument) into its statements, including a
    /// last one without `;`.
    public static func split(_ text: String, lineCommandWords: Set<String> = ShellCommand.lineTerminatedWords) -> [Statement] {
        var splitter = StatementSplitter(lineCommandWords: lineCommandWords)
        var statements: [Statement] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            statements += splitter.feed(line: String(line))
        }
        if let last = splitter.finish() { statements.append(last) }
        return statements
    }

    /// Reads one line (without its newline) and returns the statements it completes.
    public mutating func feed(line: String) -> [Statement] {
        lineNumber += 1
        var statements: [Statement] = []
        var characters = Array(line)
        if !isInsideStatement, let (command, rest) = lineCommand(line) {
            statements.append(Statement(text: command, line: lineNumber))
            characters = Array(rest)
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            index += step(character, next: next, statements: &statements)
        }
        if mode != .blockComment && startLine != nil { buffer.append("\n") }
        return statements
    }

    /// The unterminated statement left at the end of input, if it has any text.
    public mutating func finish() -> Statement? {
        defer {
            buffer = ""
            startLine = nil
            mode = .normal
        }
        let text = buffer.trimmingWhitespace
        guard !text.isEmpty, let startLine else { return nil }
        return Statement(text: text, line: startLine)
    }

    /// Handles one character (and maybe the next); returns how many were consumed.
    private mutating func step(_ character: Character, next: Character?, statements: inout [Statement]) -> Int {
        switch mode {
        case .blockComment:
            if character == "*" && next == "/" {
                mode = .normal
                append(" ")
                return 2
            }
            return 1
        case .singleQuoted, .doubleQuoted:
            let quote: Character = mode == .singleQuoted ? "'" : "\""
            append(character)
            if character == quote {
                if next == quote {
                    append(quote)
                    return 2
                }
                mode = .normal
            }
            return 1
        case .dollarQuoted:
            append(character)
            if character == "$" && next == "$" {
                append("$")
                mode = .normal
                return 2
            }
            return 1
        case .normal:
            return stepNormal(character, next: next, statements: &statements)
        }
    }

    private mutating func stepNormal(_ character: Character, next: Character?, statements: inout [Statement]) -> Int {
        switch (character, next) {
        case ("-", "-"), ("/", "/"): return Int.max / 2
        case ("/", "*"):
            mode = .blockComment
            return 2
        case ("$", "$"):
            mode = .dollarQuoted
            append("$$")
            return 2
        case ("'", _):
            mode = .singleQuoted
        case ("\"", _):
            mode = .doubleQuoted
        case (";", _):
            if let statement = finish() { statements.append(statement) }
            return 1
        default:
            break
        }
        if character == " " || character == "\t" || character == "\r" {
            if startLine != nil { buffer.append(character) }
        } else {
            append(character)
        }
        return 1
    }

    private mutating func append(_ character: Character) {
        if startLine == nil { startLine = lineNumber }
        buffer.append(character)
    }

    private mutating func append(_ text: String) {
        if startLine == nil { startLine = lineNumber }
        buffer += text
    }

    /// The line as a shell command (up to its first `;`, comments removed) and the rest of
    /// the line, when its first word is a shell command.
    private func lineCommand(_ line: String) -> (String, Substring)? {
        let trimmed = line.trimmingWhitespace
        let firstWord = trimmed.prefix { $0.isLetter || $0 == "_" }.uppercased()
        guard lineCommandWords.contains(firstWord) else { return nil }
        var text = Substring(trimmed)
        var rest = Substring("")
        if let semicolon = text.firstIndex(of: ";") {
            rest = text[text.index(after: semicolon)...]
            text = text[..<semicolon]
        }
        for marker in ["--", "//"] {
            if let range = text.firstRange(of: marker) {
                text = text[..<range.lowerBound]
                rest = ""
            }
        }
        return (String(text).trimmingWhitespace, rest)
    }
}
