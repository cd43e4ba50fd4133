import Atomics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded lock-free queue between exactly one producer thread and one consumer thread.
///
/// `head` (next slot to read) and `tail` (next slot to write) only grow; the slot of index
/// `i` is `i & mask`. The producer publishes a slot with a releasing store of `tail`, the
/// consumer frees one with a releasing store of `head`, each side reads the other's index
/// with an acquiring load. The indices live on separate cache lines, and each side keeps a
/// private copy of the other's index, re-reading the shared one only when its copy says
/// full / empty, so the lines bounce between cores only when the ring nears full or empty.
///
/// A ring made with `producerMayEvict` also lets the producer take back the oldest waiting
/// element (the live policy's "drop the oldest"). Then both sides claim slots with a
/// compare-and-swap on `head`, and the consumer marks the slot it is moving out so the
/// producer never overwrites it mid-read.
final class SPSCRing<Element>: @unchecked Sendable {
    let capacity: Int
    private let mask: Int
    private let slots: UnsafeMutablePointer<Element>
    private let counters = PaddedCounters(count: 6)
    private var tail: UnsafeAtomic<Int> { counters.atomic(0) }
    /// The producer's last reading of `head` (never ahead of it). Producer only.
    private var producerSeenHead: UnsafeAtomic<Int> { counters.atomic(1) }
    private var head: UnsafeAtomic<Int> { counters.atomic(2) }
    /// The consumer's last reading of `tail` (never ahead of it). Consumer only.
    private var consumerSeenTail: UnsafeAtomic<Int> { counters.atomic(3) }
    /// Index of the slot the consumer is moving out of, or `notReading` (evicting rings only).
    private var reading: UnsafeAtomic<Int> { counters.atomic(4) }
    private var closedFlag: UnsafeAtomic<Int> { counters.atomic(5) }
    /// Below any `t - capacity` the producer compares it with (those start at -capacity).
    private static var notReading: Int { Int.min }
    private let producerMayEvict: Bool
    private let notEmpty = Parker()
    private let notFull = Parker()

    /// `capacity` is rounded up to a power of two.
    init(capacity: Int, producerMayEvict: Bool = false) {
        precondition(capacity >= 1, "ring capacity must be at least 1")
        var c = 1
        while c < capacity { c <<= 1 }
        self.capacity = c
        mask = c - 1
        slots = .allocate(capacity: c)
        self.producerMayEvict = producerMayEvict
        reading.store(Self.notReading, ordering: .relaxed)
    }

    deinit {
        let h = head.load(ordering: .acquiring), t = tail.load(ordering: .acquiring)
        for i in h..<t { (slots + (i & mask)).deinitialize(count: 1) }
        slots.deallocate()
    }

    /// Elements waiting (a snapshot; exact when neither side is running).
    var count: Int { tail.load(ordering: .acquiring) - head.load(ordering: .acquiring) }
    var isClosed: Bool { closedFlag.load(ordering: .acquiring) != 0 }

    // MARK: Producer side

    /// Adds `element` if there is room. Fails when full or closed.
    func tryPush(_ element: Element) -> Bool {
        if isClosed { return false }
        let t = tail.load(ordering: .relaxed)
        if t - producerSeenHead.load(ordering: .relaxed) >= capacity {
            let h = head.load(ordering: .acquiring)
            producerSeenHead.store(h, ordering: .relaxed)
            if t - h >= capacity { return false }
        }
        if producerMayEvict && reading.load(ordering: .acquiring) == t - capacity { return false }
        (slots + (t & mask)).initialize(to: element)
        tail.store(t + 1, ordering: .releasing)
        notEmpty.wake()
        return true
    }

    /// Adds `element`, waiting (spin, then park) while the ring is full. Returns false, keeping
    /// nothing, when the ring is closed or `giveUp()` becomes true first.
    func push(_ element: Element, giveUp: () -> Bool = { false }) -> Bool {
        if tryPush(element) { return true }
        var pushed = false
        notFull.wait(until: {
            pushed = tryPush(element)
            return pushed || isClosed
        }, giveUp: giveUp)
        return pushed
    }

    /// Adds `element` without waiting for the consumer: when the ring is full the oldest
    /// waiting element is evicted and handed to `dropped` (the caller counts and recycles it).
    /// The one pause possible is for the consumer to finish moving an element out of the
    /// very slot we need (a few instructions). On a closed ring `element` itself is dropped.
    /// Needs a ring made with `producerMayEvict`.
    func pushEvictingOldest(_ element: Element, dropped: (Element) -> Void) {
        precondition(producerMayEvict, "pushEvictingOldest needs a ring made with producerMayEvict")
        while !tryPush(element) {
            if isClosed {
                dropped(element)
                return
            }
            if count >= capacity, let oldest = tryEvictOldest() {
                dropped(oldest)
            } else {
                sched_yield()
            }
        }
    }

    /// Takes back the oldest waiting element (producer side). Needs `producerMayEvict`.
    func tryEvictOldest() -> Element? {
        precondition(producerMayEvict, "tryEvictOldest needs a ring made with producerMayEvict")
        while true {
            let h = head.load(ordering: .acquiring)
            if h == tail.load(ordering: .relaxed) { return nil }
            if head.compareExchange(expected: h, desired: h + 1, ordering: .acquiringAndReleasing).exchanged {
                let element = (slots + (h & mask)).move()
                return element
            }
        }
    }

    /// No more elements will come (end of stream or stop). The consumer drains what is
    /// queued, then its blocking pops return nil; waiting producers give up.
    func close() {
        closedFlag.store(1, ordering: .releasing)
        notEmpty.wake()
        notFull.wake()
    }

    // MARK: Consumer side

    /// Removes the oldest element, or returns nil when empty.
    func tryPop() -> Element? {
        let element = producerMayEvict ? popClaiming() : popOwning()
        if element != nil { notFull.wake() }
        return element
    }

    /// Removes the oldest element, waiting while empty. Returns nil once the ring is closed
    /// and drained, or when `giveUp()` becomes true first.
    func pop(giveUp: () -> Bool = { false }) -> Element? {
        if let e = tryPop() { return e }
        var result: Element?
        notEmpty.wait(until: {
            result = tryPop()
            return result != nil || drainedAfterClose()
        }, giveUp: giveUp)
        return result ?? tryPop()
    }

    /// Removes everything queued and returns the newest element; each older one goes to
    /// `others`, oldest first, for the caller to route. Nil when empty.
    func takeNewest(others: (Element) -> Void) -> Element? {
        guard var newest = tryPop() else { return nil }
        while let next = tryPop() {
            others(newest)
            newest = next
        }
        return newest
    }

    /// `takeNewest`, waiting while empty. Nil once closed and drained or when `giveUp()`.
    func popNewest(others: (Element) -> Void, giveUp: () -> Bool = { false }) -> Element? {
        guard let first = pop(giveUp: giveUp) else { return nil }
        var newest = first
        while let next = tryPop() {
            others(newest)
            newest = next
        }
        return newest
    }

    private func drainedAfterClose() -> Bool {
        // Read `closed` before re-checking emptiness: the producer pushes before it closes.
        isClosed && head.load(ordering: .acquiring) == tail.load(ordering: .acquiring)
    }

    private func refreshSeenTail() -> Int {
        let t = tail.load(ordering: .acquiring)
        consumerSeenTail.store(t, ordering: .relaxed)
        return t
    }

    /// Plain SPSC pop: the consumer alone moves `head`.
    private func popOwning() -> Element? {
        let h = head.load(ordering: .relaxed)
        if h >= consumerSeenTail.load(ordering: .relaxed), h == refreshSeenTail() { return nil }
        let element = (slots + (h & mask)).move()
        head.store(h + 1, ordering: .releasing)
        return element
    }

    /// Pop on an evicting ring: claim the slot by CAS (the producer may race us for it), and
    /// advertise it in `reading` first so a producer that sees the new `head` keeps off it.
    private func popClaiming() -> Element? {
        while true {
            let h = head.load(ordering: .acquiring)
            if h >= consumerSeenTail.load(ordering: .relaxed), h == refreshSeenTail() { return nil }
            reading.store(h, ordering: .releasing)
            if head.compareExchange(expected: h, desired: h + 1, ordering: .acquiringAndReleasing).exchanged {
                let element = (slots + (h & mask)).move()
                reading.store(Self.notReading, ordering: .releasing)
                return element
            }
            reading.store(Self.notReading, ordering: .releasing)
        }
    }
}
