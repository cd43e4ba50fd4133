/// One planned layer of a network, fp32 or int8: it holds pointers into buffers its network
/// owns, so running it allocates nothing, checks nothing and cannot fail.
protocol Operator: AnyObject {
    func run(pool: WorkerPool)
}
