import KVCore
import Testing
@testable import LSMStore

@Suite struct ManifestTests {
    static let path = "/db/MANIFEST"

    static func sample() -> Manifest {
        var leveledOptions = TableOptions(compaction: .leveled(targetFileSizeBytes: 1 << 20, levelOneSizeBytes: 8 << 20,
                                                               fanout: 7, levelZeroTrigger: 3),
                                          gcGraceSeconds: -1)
        leveledOptions.sstable = SSTableWriterOptions(blockSizeBytes: 4096, restartInterval: 4, bloomBitsPerKey: 0,
                                                      compression: .none,
                                                      columnOrderings: [3: .signedInteger, 1: .bytes, 70_000: .floatingPoint])
        var manifest = Manifest()
        manifest.nextFileNumber = 1_234_567
        manifest.tables = [
            Manifest.TableEntry(id: TableID(high: 1, low: 2), options: TableOptions(),
                                replayAfter: CommitLogPosition(segment: 3, offset: 4_096), files: []),
            Manifest.TableEntry(id: TableID(high: .max, low: 0), options: leveledOptions,
                                replayAfter: CommitLogPosition(segment: .max, offset: 1 << 40),
                                files: [.init(fileNumber: 7, level: 0), .init(fileNumber: 9, level: 3),
                                        .init(fileNumber: .max, level: 64)]),
            Manifest.TableEntry(id: TableID(high: 5, low: 5),
                                options: TableOptions(compaction: .sizeTiered(minThreshold: 2, maxThreshold: 9, bucketLow: 0.25,
                                                                              bucketHigh: 3.5), gcGraceSeconds: 0),
                                replayAfter: .zero, files: [.init(fileNumber: 1, level: 0)]),
        ]
        return manifest
    }

    /// The body with a fresh checksum, so that structural checks (not the CRC) are reached.
    static func resealed(_ body: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.writeBytes(body)
        writer.writeUInt32(CRC32C.mask(CRC32C.checksum(body)))
        return writer.bytes
    }

    static func expectCorruption(_ bytes: [UInt8], reasonContaining fragment: String? = nil,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try Manifest.decode(bytes, path: path)
            Issue.record("decoded damaged bytes", sourceLocation: sourceLocation)
        } catch {
            guard case let .corruption(file, _, reason) = error else {
                Issue.record("expected corruption, got \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(file == path, sourceLocation: sourceLocation)
            if let fragment { #expect(reason.contains(fragment), "\(reason)", sourceLocation: sourceLocation) }
        }
    }

    @Test func roundTrips() throws {
        let manifest = Self.sample()
        #expect(try Manifest.decode(manifest.encode(), path: Self.path) == manifest)
        let empty = Manifest()
        #expect(try Manifest.decode(empty.encode(), path: Self.path) == empty)
    }

    @Test func startsWithMagicAndVersion() {
        let bytes = Manifest().encode()
        #expect(Array(bytes[..<5]) == [0x4B, 0x56, 0x4D, 0x46, 1])  // "KVMF", version 1
    }

    @Test func everyBitFlipIsCorruptionNamingTheFile() {
        let bytes = Self.sample().encode()
        for bit in 0..<(bytes.count * 8) {
            var damaged = bytes
            damaged[bit / 8] ^= UInt8(1 << (bit % 8))
            Self.expectCorruption(damaged)
        }
    }

    @Test func truncationIsCorruption() {
        let bytes = Self.sample().encode()
        for length in 0..<bytes.count { Self.expectCorruption(Array(bytes[..<length])) }
        Self.expectCorruption([], reasonContaining: "short")
    }

    @Test func badMagicVersionAndTrailingBytesAreCorruption() {
        let body = Array(Self.sample().encode().dropLast(4))
        var badMagic = body
        badMagic[0] ^= 0xFF
        Self.expectCorruption(Self.resealed(badMagic), reasonContaining: "magic")
        var badVersion = body
        badVersion[4] = 2
        Self.expectCorruption(Self.resealed(badVersion), reasonContaining: "version")
        Self.expectCorruption(Self.resealed(body + [0]), reasonContaining: "trailing")
        var badStrategy = Array(Manifest().encode().dropLast(4))
        badStrategy[6] = 1  // one table ...
        badStrategy += [UInt8](repeating: 0, count: 16) + [9]  // ... with compaction strategy 9
        Self.expectCorruption(Self.resealed(badStrategy), reasonContaining: "strategy")
    }

    @Test func checksumMismatchPointsAtTheChecksum() {
        var bytes = Self.sample().encode()
        bytes[bytes.count - 1] ^= 0x80
        do {
            _ = try Manifest.decode(bytes, path: Self.path)
            Issue.record("decoded a bad checksum")
        } catch {
            guard case let .corruption(_, offset, _) = error else { Issue.record("\(error)"); return }
            #expect(offset == bytes.count - 4)
        }
    }

    /// `ManifestFile` writes through a temporary file and a rename; the result reads back and
    /// survives power loss.
    @Test func manifestFileWritesDurably() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory("/db")
        #expect(try ManifestFile.read(directory: "/db", fileSystem: fileSystem) == nil)
        try ManifestFile.write(Self.sample(), directory: "/db", fileSystem: fileSystem)
        fileSystem.crash()
        #expect(try ManifestFile.read(directory: "/db", fileSystem: fileSystem) == Self.sample())
        #expect(!fileSystem.exists("/db/MANIFEST.tmp"))
        try fileSystem.corrupt(Self.path, at: 10, xor: 4)
        #expect(throws: StoreError.self) { try ManifestFile.read(directory: "/db", fileSystem: fileSystem) }
    }
}
