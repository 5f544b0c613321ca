import KVCore
import Ring
import Testing

/// `HostID`: UUID text form, random version-4 ids, ordering.
@Suite struct HostIDTests {
    @Test func formatsAndParsesTheCanonicalForm() {
        let id = HostID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
        #expect(id.uuidString == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(HostID(uuidString: "01234567-89AB-CDEF-FEDC-BA9876543210") == id)
        #expect(HostID(high: 0, low: 1).description == "00000000-0000-0000-0000-000000000001")
    }

    @Test func refusesMalformedText() {
        for text in ["", "01234567-89ab-cdef-fedc-ba987654321", "0123456789ab-cdef-fedc-ba9876543210-",
                     "01234567_89ab_cdef_fedc_ba9876543210", "0123456g-89ab-cdef-fedc-ba9876543210"] {
            #expect(HostID(uuidString: text) == nil, "\(text)")
        }
    }

    @Test func randomIdsAreVersion4AndDeterministicPerSeed() {
        let first = HostID.random(using: SeededRandomSource(seed: 1))
        #expect(first == HostID.random(using: SeededRandomSource(seed: 1)))
        #expect(first != HostID.random(using: SeededRandomSource(seed: 2)))
        let text = Array(first.uuidString)
        #expect(text[14] == "4")
        #expect("89ab".contains(text[19]))
        #expect(HostID(uuidString: first.uuidString) == first)
    }

    @Test func ordersByBits() {
        #expect(HostID(high: 0, low: .max) < HostID(high: 1, low: 0))
        #expect(HostID(high: 1, low: 1) < HostID(high: 1, low: 2))
    }
}
