// swift-tools-version: 6.2
// The Apple Foundation Models helper for Local Brain's structured tasks (macOS 26+).
// Built on a Mac with `scripts/build-apple-fm.sh` (`swift build -c release`). Not built or run by
// the project's tests, which use a fake helper speaking the same protocol (ARCHITECTURE.md).
import PackageDescription

let package = Package(
    name: "local-brain-fm",
    platforms: [.macOS("26.0")],
    targets: [
        .executableTarget(name: "local-brain-fm", path: "Sources/local-brain-fm")
    ]
)
