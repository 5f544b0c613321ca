import BenchCore
import Testing

/// `ProfileDataset`: rows equal to the formula of PERFORMANCE.md §3, checked against values
/// computed by an independent Python implementation of it.
@Suite struct ProfileDatasetTests {
    @Test func rowsMatchTheSpecification() {
        #expect(ProfileDataset.row(0) == ProfileDataset.Row(
            userID: "u0000000000", country: "FR", age: 28, pushEnabled: false, purchaseCount: 978,
            lastSeenMs: 1_724_394_358_618, ltv: 105.92, plan: "enterprise", attrs: ["lang": "ko", "device": "android"]))
        #expect(ProfileDataset.row(42) == ProfileDataset.Row(
            userID: "u0000000042", country: "GB", age: 23, pushEnabled: false, purchaseCount: 828,
            lastSeenMs: 1_712_999_491_318, ltv: 267.65, plan: "basic", attrs: ["lang": "ja", "device": "web"]))
        #expect(ProfileDataset.row(9_999_999) == ProfileDataset.Row(
            userID: "u0009999999", country: "KR", age: 30, pushEnabled: false, purchaseCount: 19,
            lastSeenMs: 1_705_896_239_168, ltv: 502.84, plan: "basic", attrs: ["lang": "ja", "device": "ios"]))
    }
}
