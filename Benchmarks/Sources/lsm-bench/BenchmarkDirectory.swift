#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The store directory named by `--db`. Without `--use_existing_db` db_bench destroys the
/// database there first; we empty the directory, but only one that lsm-bench made (it holds
/// our marker file), so a mistyped `--db` can never delete someone's files.
enum BenchmarkDirectory {
    static let markerName = ".lsm-bench"

    /// Makes `path` an empty store directory (its parent must exist, as for db_bench).
    static func prepareFresh(_ path: String) throws(FlagError) {
        if isDirectory(path) {
            let entries = try listEntries(path)
            if !entries.isEmpty {
                guard entries.contains(markerName) else {
                    throw FlagError(description: "--db=\(path) is not empty and was not made by lsm-bench; "
                        + "remove it or choose another directory")
                }
                try removeContents(of: path)
            }
        } else if mkdir(path, 0o755) != 0 {
            throw FlagError(description: "cannot create --db=\(path): \(String(cString: strerror(errno)))")
        }
        let marker = open(path + "/" + markerName, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        guard marker >= 0 else {
            throw FlagError(description: "cannot write \(path)/\(markerName): \(String(cString: strerror(errno)))")
        }
        close(marker)
    }

    /// Checks that `path` holds a store for `--use_existing_db`.
    static func checkExisting(_ path: String) throws(FlagError) {
        guard isDirectory(path) else {
            throw FlagError(description: "--use_existing_db: no directory at --db=\(path)")
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    private static func listEntries(_ path: String) throws(FlagError) -> [String] {
        guard let directory = opendir(path) else {
            throw FlagError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Deletes everything under `path` (not following symbolic links), keeping `path`.
    private static func removeContents(of path: String) throws(FlagError) {
        for name in try listEntries(path) {
            let child = path + "/" + name
            if isDirectory(child) {
                try removeContents(of: child)
                guard rmdir(child) == 0 else {
                    throw FlagError(description: "cannot remove \(child): \(String(cString: strerror(errno)))")
                }
            } else if unlink(child) != 0 {
                throw FlagError(description: "cannot remove \(child): \(String(cString: strerror(errno)))")
            }
        }
    }
}
