import Foundation
import Testing
@testable import Pipeline

/// Runs `body` on a new thread; the returned group is done when it returns.
private func spawn(_ body: @escaping @Sendable () -> Void) -> DispatchGroup {
    let group = DispatchGroup()
    group.enter()
    Thread { body(); group.leave() }.start()
    return group
}

/// Memory two threads write to disjoint parts of, read after joining.
private final class Marks: @unchecked Sendable {
    let seen: UnsafeMutablePointer<UInt8>
    let count: Int
    init(_ count: Int) {
        self.count = count
        seen = .allocate(capacity: count)
        seen.initialize(repeating: 0, count: count)
    }
    deinit { seen.deallocate() }
}

@Suite struct SPSCRingTests {
    @Test func capacityRoundsUpToPowerOfTwo() {
        #expect(SPSCRing<Int>(capacity: 5).capacity == 8)
        #expect(SPSCRing<Int>(capacity: 8).capacity == 8)
        #expect(SPSCRing<Int>(capacity: 1).capacity == 1)
    }

    @Test func tryPushFailsWhenFullAndPopsInOrder() {
        let ring = SPSCRing<Int>(capacity: 4)
        for i in 0..<4 { #expect(ring.tryPush(i)) }
        #expect(!ring.tryPush(99))
        #expect(ring.count == 4)
        for i in 0..<4 { #expect(ring.tryPop() == i) }
        #expect(ring.tryPop() == nil)
    }

    @Test func closeDrainsThenEnds() {
        let ring = SPSCRing<String>(capacity: 4)
        #expect(ring.tryPush("a"))
        ring.close()
        #expect(!ring.tryPush("b"))
        #expect(!ring.push("c"))
        #expect(ring.pop() == "a")
        #expect(ring.pop() == nil)
    }

    @Test func takeNewestReturnsLastAndRoutesTheRestInOrder() {
        let ring = SPSCRing<Int>(capacity: 8)
        for i in 1...5 { #expect(ring.tryPush(i)) }
        var others: [Int] = []
        #expect(ring.takeNewest { others.append($0) } == 5)
        #expect(others == [1, 2, 3, 4])
        #expect(ring.takeNewest { _ in } == nil)
    }

    @Test func evictingPushDropsTheOldest() {
        let ring = SPSCRing<Int>(capacity: 8, producerMayEvict: true)
        var dropped: [Int] = []
        for i in 1...12 { ring.pushEvictingOldest(i) { dropped.append($0) } }
        #expect(dropped == [1, 2, 3, 4])
        var others: [Int] = []
        #expect(ring.takeNewest { others.append($0) } == 12)
        #expect(others == Array(5...11))
    }

    @Test func elementsLeftInTheRingAreReleased() {
        final class Token {}
        weak var watched: Token?
        do {
            let ring = SPSCRing<Token>(capacity: 4)
            let token = Token()
            watched = token
            #expect(ring.tryPush(token))
        }
        #expect(watched == nil)
    }

    /// Two threads, millions of items through a small ring with blocking push/pop: every
    /// item arrives once, in order. Also for an evicting ring used without eviction.
    @Test(arguments: [(false, 2_000_000), (true, 1_000_000)])
    func losslessStressKeepsOrderWithoutLossOrDuplicates(producerMayEvict: Bool, total: Int) {
        let ring = SPSCRing<Int>(capacity: 256, producerMayEvict: producerMayEvict)
        let producer = spawn {
            for i in 0..<total { precondition(ring.push(i)) }
            ring.close()
        }
        var expected = 0
        var outOfOrder = 0
        while let value = ring.pop() {
            if value != expected { outOfOrder += 1 }
            expected = value + 1
        }
        producer.wait()
        #expect(outOfOrder == 0)
        #expect(expected == total)
        #expect(ring.count == 0)
    }

    /// Live use: the producer never waits and evicts the oldest; the consumer takes the
    /// newest. Every item is either consumed or dropped, exactly once, and what the
    /// consumer sees is increasing and ends with the last item produced.
    @Test func latestStressCountsDropsExactly() {
        let total = 1_000_000
        let ring = SPSCRing<Int>(capacity: 8, producerMayEvict: true)
        let marks = Marks(total)   // 1 = dropped by the producer, 2 = consumed
        let producer = spawn {
            for i in 0..<total {
                ring.pushEvictingOldest(i) { marks.seen[$0] &+= 1 }
            }
            ring.close()
        }
        var consumed = 0, takes = 0, lastSeen = -1, increasing = true, newestNotLast = 0
        while let newest = ring.popNewest(others: { value in
            if value <= lastSeen { increasing = false }
            lastSeen = value
            marks.seen[value] &+= 2
            consumed += 1
        }) {
            if newest <= lastSeen { newestNotLast += 1 }
            lastSeen = newest
            marks.seen[newest] &+= 2
            consumed += 1
            takes += 1
            // Work a little now and then so the producer overruns the ring.
            if takes % 64 == 0 { for _ in 0..<2_000 { _ = ring.count } }
        }
        producer.wait()
        var dropped = 0, consumedMarks = 0, wrong = 0
        for i in 0..<total {
            switch marks.seen[i] {
            case 1: dropped += 1
            case 2: consumedMarks += 1
            default: wrong += 1
            }
        }
        #expect(wrong == 0, "items neither dropped nor consumed, or both / twice")
        #expect(consumedMarks == consumed)
        #expect(consumed + dropped == total)
        #expect(dropped > 0, "the consumer never fell behind; the test did not exercise eviction")
        #expect(increasing && newestNotLast == 0)
        #expect(lastSeen == total - 1)
    }
}
