using System.Runtime.InteropServices;
using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Netlink.SocketFilter.Comparison;

namespace Clusterd.Tests.Unit;

/// <summary>
/// Writing classic BPF: jumps to named instructions become the kernel's relative skips, a jump
/// that classic BPF cannot express is refused, and an instruction has struct sock_filter's 8 bytes.
/// </summary>
public sealed class SocketFilterTests
{
    [Fact]
    public void AJumpSkipsToItsLabelAndNullGoesOnToTheNext()
    {
        var program = new SocketFilter()
            .LoadConstant(7)
            .JumpIf(Equal, 7, "yes", null)
            .Return(keep: false)
            .Label("yes").Return(keep: true)
            .Build();

        Assert.Equal(4, program.Length);
        Assert.Equal((byte)1, program[1].JumpIfTrue);
        Assert.Equal((byte)0, program[1].JumpIfFalse);
        Assert.Equal(uint.MaxValue, program[3].Operand);
        Assert.Equal(0u, program[2].Operand);
    }

    [Fact]
    public void AJumpBackwardsIsRefused()
    {
        var filter = new SocketFilter().Label("start").LoadConstant(0).JumpIf(Greater, 0, "start", null);

        Assert.Throws<InvalidOperationException>(() => filter.Build());
    }

    [Fact]
    public void AnInstructionIsEightBytes() => Assert.Equal(8, Marshal.SizeOf<SocketFilterInstruction>());
}
