import KVCore
import Testing
@testable import LSMStore

@Suite("CommitLog: replay after crashes and corruption")
struct CommitLogRecoveryTests {
    /// Expects opening the log to fail with corruption at `offset` of `path`.
    func expectCorruption(_ fileSystem: any FileSystem, _ options: CommitLogOptions, path: String, offset: Int,
                          sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let (log, _) = try openCommitLog(fileSystem, options)
            try? log.close()
            Issue.record("open succeeded despite corruption", sourceLocation: sourceLocation)
        } catch StoreError.corruption(let file, let actualOffset, _) {
            #expect(file == path, sourceLocation: sourceLocation)
            #expect(actualOffset == offset, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a torn tail is cut away: replay yields a prefix holding every synced record", arguments: 0..<100)
    func tornTail(seed: UInt64) throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .periodic(windowMs: 60_000), segmentSizeBytes: 2048)
        let (log, _) = try openCommitLog(fileSystem, options)
        let appended = (0..<60).map { testPayload($0 + Int(seed)) }
        for payload in appended[..<25] { _ = try log.append(payload) }
        try log.sync()
        for payload in appended[25...] { _ = try log.append(payload) }
        fileSystem.crash(unsynced: .keepRandomPrefix(SeededRandomSource(seed: seed)))
        try? log.close()

        let (first, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.payloads.count >= 25)
        #expect(Array(appended.prefix(replayed.payloads.count)) == replayed.payloads)
        try first.close()
        // The tail was truncated: the last replayed record ends its segment, and a second
        // open replays the same records.
        if let last = replayed.positions.last {
            #expect(try fileSystem.fileSize(segmentPath(last)) == last.offset)
        }
        let (second, again) = try openCommitLog(fileSystem, options)
        #expect(again.payloads == replayed.payloads)
        #expect(again.positions == replayed.positions)
        try second.close()
    }

    @Test("a damaged last record of the last segment is a torn tail")
    func damagedLastRecordIsTornTail() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch)
        let (log, _) = try openCommitLog(fileSystem, options)
        let positions = try (0..<10).map { try log.append(testPayload($0, size: 40)) }
        try log.close()
        try fileSystem.corrupt(segmentPath(positions[9]), at: positions[9].offset - 5, xor: 0x40)

        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.positions == Array(positions[..<9]))
        #expect(try fileSystem.fileSize(segmentPath(positions[9])) == positions[8].offset)
        try reopened.close()
    }

    @Test("a zero-filled tail is a torn tail")
    func zeroFilledTail() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch)
        let (log, _) = try openCommitLog(fileSystem, options)
        let positions = try (0..<5).map { try log.append(testPayload($0)) }
        try log.close()
        let file = try fileSystem.openForAppend(segmentPath(positions[4]), truncate: false)
        try file.append([UInt8](repeating: 0, count: 300))
        try file.sync()

        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.positions == positions)
        #expect(try fileSystem.fileSize(segmentPath(positions[4])) == positions[4].offset)
        try reopened.close()
    }

    @Test("a torn segment header in the last segment is cut away and its id not reused")
    func tornSegmentHeader() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch)
        let (log, _) = try openCommitLog(fileSystem, options)
        let position = try log.append(testPayload(7))
        try log.close()
        let tornPath = joinPath(commitLogDirectory, CommitLogSegment.fileName(id: 9))
        let header = CommitLogSegmentHeader(version: 1, segmentId: 9, firstSequence: 2).encoded()
        let file = try fileSystem.openForAppend(tornPath, truncate: true)
        try file.append(Array(header.prefix(11)))
        try file.sync()

        let (reopened, replayed) = try openCommitLog(fileSystem, options)
        #expect(replayed.positions == [position])
        #expect(try fileSystem.fileSize(tornPath) == 0)
        #expect(reopened.currentPosition.segment == 10)
        _ = try reopened.append(testPayload(8))
        try reopened.close()
        let (third, again) = try openCommitLog(fileSystem, options)  // The empty segment is skipped.
        #expect(again.payloads == [testPayload(7), testPayload(8)])
        try third.close()
    }

    @Test("damage followed by intact records in the last segment is corruption", arguments: [4, 12, 30])
    func corruptionInTheMiddle(byteInRecord: Int) throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch)
        let (log, _) = try openCommitLog(fileSystem, options)
        let positions = try (0..<10).map { try log.append(testPayload($0, size: 40)) }
        try log.close()
        // 4: the length field, 12: the sequence number, 30: the payload of record 3.
        let start = recordStart(positions, 3)
        try fileSystem.corrupt(segmentPath(positions[3]), at: start + byteInRecord, xor: 0x01)
        expectCorruption(fileSystem, options, path: segmentPath(positions[3]), offset: start)
    }

    @Test("the error message names the file and offset")
    func corruptionMessage() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch)
        let (log, _) = try openCommitLog(fileSystem, options)
        let positions = try (0..<3).map { try log.append(testPayload($0, size: 40)) }
        try log.close()
        try fileSystem.corrupt(segmentPath(positions[0]), at: recordStart(positions, 0) + 20, xor: 0xFF)
        do {
            _ = try openCommitLog(fileSystem, options)
            Issue.record("open succeeded")
        } catch {
            let message = "\(error)"
            #expect(message.contains(CommitLogSegment.fileName(id: positions[0].segment)))
            #expect(message.contains("offset \(recordStart(positions, 0))"))
        }
    }

    @Test("any damage in a segment before the last is corruption")
    func corruptionInEarlierSegment() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch, segmentSizeBytes: 512)
        let (log, _) = try openCommitLog(fileSystem, options)
        let positions = try (0..<30).map { try log.append(testPayload($0, size: 60)) }
        try log.close()
        // The last record of the first segment: nothing follows it there, yet a later segment exists.
        let index = positions.lastIndex { $0.segment == positions[0].segment }!
        try fileSystem.corrupt(segmentPath(positions[index]), at: positions[index].offset - 1, xor: 0x80)
        expectCorruption(fileSystem, options, path: segmentPath(positions[index]), offset: recordStart(positions, index))
    }

    @Test("a truncated earlier segment is corruption")
    func truncatedEarlierSegment() throws {
        let fileSystem = SimulatedFileSystem()
        let options = CommitLogOptions(syncMode: .batch, segmentSizeBytes: 512)
        let (log, _) = try openCommitLog(fileSystem, options)
        let positions = try (0..<30).map { try log.append(testPayload($0, size: 60)) }
        try log.close()
        let index = positions.lastIndex { $0.segment == positions[0].segment }!
        try fileSystem.truncate(segmentPath(positions[index]), toSize: positions[index].offset - 3)
        expectCorruption(fileSystem, options, path: segmentPath(positions[index]), offset: recordStart(positions, index))
    }

    @Test("an unknown format version is corruption naming the file")
    func unknownVersion() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory(commitLogDirectory)
        let path = joinPath(commitLogDirectory, CommitLogSegment.fileName(id: 4))
        let file = try fileSystem.openForAppend(path, truncate: true)
        try file.append(CommitLogSegmentHeader(version: 99, segmentId: 4, firstSequence: 1).encoded())
        try file.sync()
        do {
            _ = try openCommitLog(fileSystem, CommitLogOptions())
            Issue.record("open succeeded")
        } catch StoreError.corruption(let file, let offset, let reason) {
            #expect(file == path)
            #expect(offset == 0)
            #expect(reason.contains("version 99"))
        }
    }

    @Test("an intact record with the wrong sequence number is corruption")
    func sequenceGap() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory(commitLogDirectory)
        let path = joinPath(commitLogDirectory, CommitLogSegment.fileName(id: 1))
        var bytes = CommitLogSegmentHeader(version: 1, segmentId: 1, firstSequence: 1).encoded()
        var offsets: [Int] = []
        for sequence: UInt64 in [1, 2, 4] {
            offsets.append(bytes.count)
            let payload = testPayload(Int(sequence))
            CommitLogRecord.appendHeader(payloadChecksum: CRC32C.checksum(payload), payloadSizeBytes: payload.count,
                                         sequence: sequence, to: &bytes)
            bytes += payload
        }
        let file = try fileSystem.openForAppend(path, truncate: true)
        try file.append(bytes)
        try file.sync()
        expectCorruption(fileSystem, CommitLogOptions(), path: path, offset: offsets[2])
    }

    @Test("a segment whose header names another id is corruption")
    func mismatchedSegmentId() throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory(commitLogDirectory)
        let path = joinPath(commitLogDirectory, CommitLogSegment.fileName(id: 2))
        let file = try fileSystem.openForAppend(path, truncate: true)
        try file.append(CommitLogSegmentHeader(version: 1, segmentId: 1, firstSequence: 1).encoded())
        try file.sync()
        expectCorruption(fileSystem, CommitLogOptions(), path: path, offset: 0)
    }
}
