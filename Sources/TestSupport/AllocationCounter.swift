#if canImport(Glibc)
import Glibc

/// Counts Swift heap allocations (class instances, array and string buffers) made by the
/// calling thread while `body` runs, through the runtime's allocation hook. Other threads
/// (tests running in parallel) are not counted. Returns nil where the hook is unavailable.
public func swiftAllocations(during body: () -> Void) -> Int? {
    typealias AllocObject = @convention(c) (UnsafeRawPointer?, Int, Int) -> UnsafeMutableRawPointer?
    guard let process = dlopen(nil, RTLD_NOW),
          let hookSymbol = dlsym(process, "_swift_allocObject"),
          let enableSymbol = dlsym(process, "_swift_enableSwizzlingOfAllocationAndRefCountingFunctions_forInstrumentsOnly")
    else { return nil }
    let hook = hookSymbol.assumingMemoryBound(to: AllocObject?.self)
    let enable = enableSymbol.assumingMemoryBound(to: Bool.self)
    countedThread = pthread_self()
    originalAllocObject = hook.pointee
    allocationCount = 0
    let wasEnabled = enable.pointee
    hook.pointee = { metadata, size, alignMask in
        if pthread_equal(pthread_self(), countedThread) != 0 { allocationCount += 1 }
        return originalAllocObject!(metadata, size, alignMask)
    }
    enable.pointee = true
    body()
    enable.pointee = wasEnabled
    hook.pointee = originalAllocObject
    return allocationCount
}

nonisolated(unsafe) private var countedThread = pthread_t()
nonisolated(unsafe) private var originalAllocObject: (@convention(c) (UnsafeRawPointer?, Int, Int) -> UnsafeMutableRawPointer?)?
nonisolated(unsafe) private var allocationCount = 0
#endif
