using Clusterd.Core;
using Clusterd.Kernel.Netlink;

namespace Clusterd.Tests.Unit;

/// <summary>The kernel layer's boundary: each kind of kernel failure leaves it as a KernelRefusedException saying what failed.</summary>
public sealed class KernelCallTests
{
    [Fact]
    public void ANetlinkErrorBecomesAKernelRefusalWithTheErrnoText()
    {
        var refused = Assert.Throws<KernelRefusedException>(() => KernelCall.Run("reading conntrack", () => throw new NetlinkException("recv", 1)));

        Assert.Equal("reading conntrack: recv: Operation not permitted", refused.Message);
        Assert.Equal(ClusterControl.ControlError.KernelRefused, refused.Error);
    }

    [Fact]
    public void AKernelFileThatCannotBeWrittenBecomesAKernelRefusal() =>
        Assert.Equal("setting the sysctls: read-only",
            Assert.Throws<KernelRefusedException>(() => KernelCall.Run("setting the sysctls", () => throw new IOException("read-only"))).Message);

    [Fact]
    public void AnythingElseIsABugAndPassesThrough() =>
        Assert.Throws<InvalidOperationException>(() => KernelCall.Run("reading conntrack", () => throw new InvalidOperationException("bug")));

    [Fact]
    public void ASuccessfulCallGivesItsResult() => Assert.Equal(42, KernelCall.Run("reading", () => 42));
}
