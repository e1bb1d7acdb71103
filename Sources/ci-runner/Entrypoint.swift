import CICommands

#if canImport(Glibc)
    import Glibc
#endif

@main
struct Entrypoint {
    static func main() async {
        if let status = CIRunner.beforeParsing(CommandLine.arguments) { exit(status) }
        await CIRunner.mainWaitingForLibgit2()
    }
}
