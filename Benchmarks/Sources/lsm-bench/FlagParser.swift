/// Parses db_bench's (gflags') command line syntax into `BenchmarkFlags`:
/// `--name=value`, `-name=value`, `--name value`, and for booleans also `--name` and
/// `--noname`. A later flag overrides an earlier one, so a script can append overrides.
enum FlagParser {
    /// The names lsm-bench accepts; anything else is an error naming the flag.
    static let knownFlags: Set<String> = [
        "benchmarks", "num", "key_size", "value_size", "reads", "seek_nexts",
        "compression_type", "compression_ratio", "threads", "db", "use_existing_db",
        "cache_size", "write_buffer_size", "seed", "histogram", "sync", "block_size",
        "data_block_index_type",
    ]
    static let booleanFlags: Set<String> = ["use_existing_db", "histogram", "sync"]

    /// Parses `arguments` (without the program name). Throws on an unknown flag, a missing
    /// or malformed value, or a value out of range.
    static func parse(_ arguments: [String]) throws(FlagError) -> BenchmarkFlags {
        var flags = BenchmarkFlags()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-") else {
                throw FlagError(description: "unexpected argument '\(argument)' (flags are --name=value)")
            }
            let body = argument.drop { $0 == "-" }
            var name: String
            var value: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                value = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }
            if value == nil, name.hasPrefix("no"), booleanFlags.contains(String(name.dropFirst(2))) {
                name = String(name.dropFirst(2))
                value = "false"
            }
            guard knownFlags.contains(name) else {
                throw FlagError(description: "unknown command line flag '\(name)'")
            }
            if value == nil {
                if booleanFlags.contains(name) {
                    value = "true"
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    throw FlagError(description: "flag '--\(name)' is missing its value")
                }
            }
            try apply(name: name, value: value!, to: &flags)
        }
        try validate(flags)
        return flags
    }

    private static func apply(name: String, value: String, to flags: inout BenchmarkFlags) throws(FlagError) {
        switch name {
        case "benchmarks":
            flags.benchmarks = value.split(separator: ",").map(String.init).filter { !$0.isEmpty }
        case "num": flags.num = try integer(value, name)
        case "key_size": flags.keySizeBytes = Int(try integer(value, name))
        case "value_size": flags.valueSizeBytes = Int(try integer(value, name))
        case "reads": flags.reads = try integer(value, name)
        case "seek_nexts": flags.seekNexts = Int(try integer(value, name))
        case "compression_type":
            guard let compression = BenchmarkFlags.Compression(rawValue: value.lowercased()) else {
                throw FlagError(description: "--compression_type=\(value) is not supported (lz4 or none)")
            }
            flags.compression = compression
        case "compression_ratio":
            guard let ratio = Double(value) else { throw invalid(value, name) }
            flags.compressionRatio = ratio
        case "threads": flags.threads = Int(try integer(value, name))
        case "db": flags.databaseDirectory = value
        case "use_existing_db": flags.useExistingDatabase = try boolean(value, name)
        case "cache_size": flags.cacheSizeBytes = Int(try integer(value, name))
        case "block_size": flags.blockSizeBytes = Int(try integer(value, name))
        case "data_block_index_type":
            // db_bench's values: 0 binary search, 1 binary search and hash.
            guard let type = Int(value), type == 0 || type == 1 else { throw invalid(value, name) }
            flags.dataBlockHashIndex = type == 1
        case "write_buffer_size": flags.writeBufferSizeBytes = Int(try integer(value, name))
        case "seed": flags.seed = try integer(value, name)
        case "histogram": flags.histogram = try boolean(value, name)
        case "sync": flags.sync = try boolean(value, name)
        default: throw FlagError(description: "unknown command line flag '\(name)'")
        }
    }

    private static func validate(_ flags: BenchmarkFlags) throws(FlagError) {
        guard flags.databaseDirectory?.isEmpty == false else {
            throw FlagError(description: "--db=DIR is required")
        }
        guard flags.num > 0 else { throw FlagError(description: "--num must be positive") }
        guard (1...1 << 16).contains(flags.keySizeBytes) else {
            throw FlagError(description: "--key_size must be in 1...65536")
        }
        guard (0...1 << 26).contains(flags.valueSizeBytes) else {
            throw FlagError(description: "--value_size must be in 0...67108864")
        }
        guard flags.seekNexts >= 0 else { throw FlagError(description: "--seek_nexts must not be negative") }
        guard flags.compressionRatio > 0, flags.compressionRatio <= 1 else {
            throw FlagError(description: "--compression_ratio must be in (0, 1]")
        }
        guard (1...1024).contains(flags.threads) else { throw FlagError(description: "--threads must be in 1...1024") }
        guard flags.cacheSizeBytes >= 0 else { throw FlagError(description: "--cache_size must not be negative") }
        guard flags.writeBufferSizeBytes > 0 else { throw FlagError(description: "--write_buffer_size must be positive") }
        for name in flags.benchmarks where BenchmarkKind(rawValue: name) == nil {
            throw FlagError(description: "unknown benchmark '\(name)' (supported: "
                + BenchmarkKind.allCases.map(\.rawValue).joined(separator: ",") + ")")
        }
    }

    private static func integer(_ value: String, _ name: String) throws(FlagError) -> Int64 {
        guard let number = Int64(value) else { throw invalid(value, name) }
        return number
    }

    private static func boolean(_ value: String, _ name: String) throws(FlagError) -> Bool {
        switch value.lowercased() {
        case "1", "true", "yes", "t", "y": return true
        case "0", "false", "no", "f", "n": return false
        default: throw invalid(value, name)
        }
    }

    private static func invalid(_ value: String, _ name: String) -> FlagError {
        FlagError(description: "invalid value '\(value)' for flag '--\(name)'")
    }

    /// The `--help` text.
    static let usage = """
        usage: lsm-bench --db=DIR [flags]   (db_bench's flags and result lines)
          --benchmarks=LIST         comma list, run in order: \(BenchmarkKind.allCases.map(\.rawValue).joined(separator: ","))
          --num=N                   keys per fill thread and key space [0, N) (1000000)
          --key_size=N              (16)       --value_size=N        (100)
          --reads=N                 reads per thread; <0 means num (-1)
          --seek_nexts=N            Next() calls after each seek (0)
          --compression_type=T      lz4 | none (lz4; db_bench's default is snappy)
          --compression_ratio=R     fraction of a value left after compression (0.5)
          --threads=N               threads per benchmark, each doing num/reads ops (1)
          --use_existing_db=0|1     open the store at --db and skip fills (0)
          --cache_size=BYTES        block cache (8388608)
          --block_size=BYTES        SSTable data block size before compression (4096)
          --data_block_index_type=T 0 binary search | 1 also a hash index (0, as db_bench;
                                    the store's own default is 1)
          --write_buffer_size=BYTES memtable size (67108864)
          --seed=N                  key choice seed; 0 derives it from the clock (0)
          --histogram=0|1           latency percentiles per benchmark (0)
          --sync=0|1                commit log syncs every write batch (0: periodic)
        """
}
