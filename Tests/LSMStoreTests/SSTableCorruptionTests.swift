import KVCore
import Testing
@testable import LSMStore

@Suite struct SSTableCorruptionTests {
    static let path = "/db/000007.sst"

    static let entries = SSTableTestData.entries(partitionCount: 400, rowsPerPartition: 3, seed: 11)
    static let lz4Bytes = try! makeBytes(compression: .lz4)
    static let uncompressedBytes = try! makeBytes(compression: .none)

    /// A small SSTable (about 20 blocks) with tombstones.
    static func makeBytes(compression: SSTableCompression) throws -> [UInt8] {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory("/db")
        let options = SSTableWriterOptions(blockSizeBytes: 4096, compression: compression, columnOrderings: [1: .signedInteger])
        try SSTableTestData.write(entries, tombstones: SSTableTestData.tombstones(partitionCount: 400), path: path,
                                  fileSystem: fileSystem, options: options)
        return try fileSystem.contents(of: path)
    }

    /// A fresh file system holding the table (LZ4 unless told otherwise) at `path`.
    static func makeTable(compression: SSTableCompression = .lz4) throws -> (SimulatedFileSystem, [SSTableTestData.Entry]) {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory("/db")
        try write(compression == .lz4 ? lz4Bytes : uncompressedBytes, to: fileSystem)
        return (fileSystem, entries)
    }

    static func open(_ fileSystem: SimulatedFileSystem) throws -> SSTableReader {
        try SSTableReader.open(path: path, fileNumber: 7, fileSystem: fileSystem, cache: nil)
    }

    /// The corruption error `body` throws, or nil if it throws something else or nothing.
    static func corruption(_ body: () throws -> Void) -> (file: String, offset: Int)? {
        do {
            try body()
        } catch let error as StoreError {
            return error.corruptionLocation
        } catch {}
        return nil
    }

    @Test(arguments: [SSTableCompression.none, .lz4])
    func flippedBitInADataBlockIsReportedWithFileAndOffset(compression: SSTableCompression) throws {
        let (fileSystem, entries) = try Self.makeTable(compression: compression)
        let handles = try Self.open(fileSystem).index.handles
        let random = SeededRandomSource(seed: 1)
        for (blockIndex, handle) in handles.enumerated() {
            let (damagedFileSystem, _) = try Self.makeTable(compression: compression)
            let position = handle.offset + random.next(in: 0..<(handle.sizeBytes + BlockTrailer.encodedSizeBytes))
            try damagedFileSystem.corrupt(Self.path, at: position, xor: UInt8(1) << UInt8(random.next(in: 0..<8)))
            let reader = try Self.open(damagedFileSystem)
            let key = entries.first { compareBytes($0.key, reader.blockLastKey(blockIndex)) == 0 }!.key
            let expected = (file: Self.path, offset: handle.offset)
            #expect(Self.corruption { _ = try reader.get(key) }.map { $0 == expected } == true)
            #expect(Self.corruption { _ = try reader.allEntries() }.map { $0 == expected } == true)
            #expect(Self.corruption { try reader.verify() }.map { $0 == expected } == true)
            // Blocks before the damaged one still read.
            if blockIndex > 0 { #expect(try reader.get(entries[0].key) == entries[0].encoded) }
        }
    }

    @Test func flippedBitsInMetadataMakeOpenFail() throws {
        let (pristine, _) = try Self.makeTable()
        let size = try pristine.fileSize(Self.path)
        let footer = try Self.footer(of: pristine)
        let regions: [(name: String, range: Range<Int>)] = [
            ("tombstones", footer.tombstones.offset..<footer.tombstones.endOffset),
            ("bloom", footer.bloom.offset..<footer.bloom.endOffset),
            ("statistics", footer.statistics.offset..<footer.statistics.endOffset),
            ("index", footer.index.offset..<footer.index.endOffset),
            ("footer", (size - SSTableFooter.encodedSizeBytes)..<size),
        ]
        let random = SeededRandomSource(seed: 2)
        for region in regions {
            let positions = region.name == "footer" ? Array(region.range) : (0..<40).map { _ in random.next(in: region.range) }
            for position in positions {
                let (fileSystem, _) = try Self.makeTable()
                try fileSystem.corrupt(Self.path, at: position, xor: UInt8(1) << UInt8(position % 8))
                let location = Self.corruption { _ = try Self.open(fileSystem) }
                #expect(location?.file == Self.path, "\(region.name) byte \(position)")
                #expect(location.map { $0.offset <= position } == true, "\(region.name) byte \(position)")
            }
        }
    }

    @Test func truncatedFilesFailToOpen() throws {
        let (fileSystem, _) = try Self.makeTable()
        let size = try fileSystem.fileSize(Self.path)
        for cut in [1, 2, 8, 40, 79, 80, 81, 500, size / 2, size - 1] {
            let (truncated, _) = try Self.makeTable()
            try truncated.truncate(Self.path, toSize: size - cut)
            #expect(Self.corruption { _ = try Self.open(truncated) }?.file == Self.path, "cut \(cut)")
        }
    }

    @Test func randomGarbageNeverTraps() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory("/db")
        for seed in 0..<300 {
            let random = SeededRandomSource(seed: UInt64(seed))
            var bytes = (0..<random.next(in: 0..<4_000)).map { _ in UInt8(random.next(in: 0..<256)) }
            if seed % 3 == 0 && bytes.count >= 80 {
                // A plausible footer tail, so that decoding gets past the magic and version.
                let tail = ByteWriter.encodeTail(version: 1)
                bytes.replaceSubrange((bytes.count - tail.count)..., with: tail)
            }
            try Self.write(bytes, to: fileSystem)
            #expect(Self.corruption { _ = try Self.open(fileSystem) } != nil, "seed \(seed)")
        }
    }

    /// Metadata and data blocks replaced with random bytes under a valid checksum: the
    /// decoders behind the checksum must reject (or tolerate) them without trapping.
    @Test func checksummedGarbageInsideBlocksNeverTraps() throws {
        let (pristine, entries) = try Self.makeTable()
        let original = try pristine.contents(of: Self.path)
        let footer = try Self.footer(of: pristine)
        let handles = [footer.tombstones, footer.bloom, footer.statistics, footer.index] + (try Self.open(pristine).index.handles.prefix(3))
        for seed in 0..<200 {
            let random = SeededRandomSource(seed: UInt64(seed))
            let handle = handles[seed % handles.count]
            var bytes = original
            for _ in 0..<(1 + random.next(in: 0..<8)) {
                bytes[handle.offset + random.next(in: 0..<max(handle.sizeBytes, 1))] = UInt8(random.next(in: 0..<256))
            }
            Self.resealTrailer(&bytes, handle)
            let fileSystem = SimulatedFileSystem()
            try fileSystem.createDirectory("/db")
            try Self.write(bytes, to: fileSystem)
            guard let reader = try? Self.open(fileSystem) else { continue }
            _ = try? reader.allEntries()
            _ = try? reader.verify()
            for entry in entries.prefix(50) { _ = try? reader.get(entry.key) }
        }
    }

    // MARK: Helpers

    static func footer(of fileSystem: SimulatedFileSystem) throws -> SSTableFooter {
        let bytes = try fileSystem.contents(of: path)
        let footerOffset = bytes.count - SSTableFooter.encodedSizeBytes
        return try Array(bytes[footerOffset...]).withUnsafeBytes { buffer in
            try Result { () throws(DecodeError) in try SSTableFooter.decode(buffer, footerOffset: footerOffset) }.get()
        }
    }

    static func write(_ bytes: [UInt8], to fileSystem: SimulatedFileSystem) throws {
        let file = try fileSystem.openForAppend(path, truncate: true)
        try file.append(bytes)
        try file.close()
    }

    /// Recomputes the trailer checksum of the block at `handle` (keeping its type and size).
    static func resealTrailer(_ bytes: inout [UInt8], _ handle: BlockHandle) {
        let trailerOffset = handle.offset + handle.sizeBytes
        let compression = SSTableCompression(rawValue: bytes[trailerOffset]) ?? .none
        let size = bytes[(trailerOffset + 1)..<(trailerOffset + 5)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let trailer = BlockTrailer(compression: compression, uncompressedSizeBytes: size)
        bytes.withUnsafeMutableBytes { buffer in
            trailer.write(for: UnsafeRawBufferPointer(rebasing: buffer[handle.offset..<trailerOffset]),
                          to: buffer.baseAddress! + trailerOffset)
        }
    }
}

extension ByteWriter {
    /// The last 16 bytes of a footer: version, an arbitrary checksum, magic.
    static func encodeTail(version: UInt32) -> [UInt8] {
        var writer = ByteWriter()
        writer.writeUInt32(version)
        writer.writeUInt32(0x1234_5678)
        writer.writeUInt64(SSTableFormat.magic)
        return writer.bytes
    }
}
