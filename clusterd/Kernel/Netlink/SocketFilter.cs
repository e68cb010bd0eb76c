using System.Runtime.InteropServices;

namespace Clusterd.Kernel.Netlink;

/// <summary>
/// struct sock_filter (linux/filter.h): one classic BPF instruction, 8 bytes on every architecture.
/// Jumps are relative: the number of instructions skipped after this one.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SocketFilterInstruction(ushort Code, byte JumpIfTrue, byte JumpIfFalse, uint Operand);

/// <summary>struct sock_fprog (linux/filter.h): the program's length and where it is; the layout pads the pointer as C does.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SocketFilterProgram
{
    public ushort Length;
    public SocketFilterInstruction* Code;
}

/// <summary>
/// A classic BPF program for SO_ATTACH_FILTER, written with named jump targets. The kernel runs it
/// on every message before the socket queues it; it returns how many bytes to keep, 0 to drop the
/// message. On a netlink socket, the kernel's netlink attribute lookups (SKF_AD_NLATTR,
/// SKF_AD_NLATTR_NEST) let it read attributes wherever they lie in the message.
/// </summary>
public sealed class SocketFilter
{
    // Instruction classes, sizes, modes and operations (linux/bpf_common.h)
    private const ushort BPF_LD = 0x00, BPF_LDX = 0x01, BPF_ALU = 0x04, BPF_JMP = 0x05, BPF_RET = 0x06, BPF_MISC = 0x07;
    private const ushort BPF_W = 0x00, BPF_B = 0x10;
    private const ushort BPF_IMM = 0x00, BPF_ABS = 0x20, BPF_IND = 0x40;
    private const ushort BPF_AND = 0x50, BPF_JEQ = 0x10, BPF_JGT = 0x20, BPF_JGE = 0x30, BPF_K = 0x00, BPF_TAX = 0x00;

    /// <summary>Where the kernel's extensions start in the load offsets (SKF_AD_OFF), and the two netlink lookups.</summary>
    private const uint SKF_AD_OFF = unchecked((uint)-0x1000), SKF_AD_NLATTR = 12, SKF_AD_NLATTR_NEST = 16;

    public enum Comparison : ushort { Equal = BPF_JEQ, Greater = BPF_JGT, GreaterOrEqual = BPF_JGE }

    private readonly List<SocketFilterInstruction> _code = [];
    private readonly Dictionary<string, int> _labels = [];
    /// <summary>Jumps written before their targets: the instruction's index and its two targets (null: the next instruction).</summary>
    private readonly List<(int At, string? IfTrue, string? IfFalse)> _jumps = [];

    /// <summary>A = <paramref name="value"/>.</summary>
    public SocketFilter LoadConstant(uint value) => Add(BPF_LD | BPF_W | BPF_IMM, value);

    /// <summary>A = the offset of attribute <paramref name="type"/> among the attributes from offset A on, or 0 if there is none.</summary>
    public SocketFilter FindAttribute(ushort type) => Add(BPF_LDX | BPF_W | BPF_IMM, type).Add(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_NLATTR);

    /// <summary>A = the offset of attribute <paramref name="type"/> inside the nested attribute at offset A, or 0 if there is none.</summary>
    public SocketFilter FindNestedAttribute(ushort type) => Add(BPF_LDX | BPF_W | BPF_IMM, type).Add(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_NLATTR_NEST);

    /// <summary>A = the 32-bit payload (network order, as netfilter's attributes hold numbers) of the attribute at offset A.</summary>
    public SocketFilter LoadPayloadWord() => Add(BPF_MISC | BPF_TAX, 0).Add(BPF_LD | BPF_W | BPF_IND, AttributeHeader);

    /// <summary>A = the first payload byte of the attribute at offset A.</summary>
    public SocketFilter LoadPayloadByte() => Add(BPF_MISC | BPF_TAX, 0).Add(BPF_LD | BPF_B | BPF_IND, AttributeHeader);

    /// <summary>A &amp;= <paramref name="mask"/>.</summary>
    public SocketFilter And(uint mask) => Add(BPF_ALU | BPF_AND | BPF_K, mask);

    /// <summary>Goes on at <paramref name="ifTrue"/> when A compares so with <paramref name="value"/>, else at <paramref name="ifFalse"/> (null: the next instruction).</summary>
    public SocketFilter JumpIf(Comparison comparison, uint value, string? ifTrue, string? ifFalse)
    {
        _jumps.Add((_code.Count, ifTrue, ifFalse));
        return Add((ushort)(BPF_JMP | (ushort)comparison | BPF_K), value);
    }

    /// <summary>Names the next instruction as a jump target.</summary>
    public SocketFilter Label(string name)
    {
        _labels.Add(name, _code.Count);
        return this;
    }

    /// <summary>Ends the program's run: keeps the whole message, or drops it.</summary>
    public SocketFilter Return(bool keep) => Add(BPF_RET | BPF_K, keep ? uint.MaxValue : 0);

    /// <summary>The program, its jumps resolved. A jump backwards, or beyond 255 instructions, cannot be written in classic BPF.</summary>
    public SocketFilterInstruction[] Build()
    {
        var code = _code.ToArray();
        foreach (var (at, ifTrue, ifFalse) in _jumps)
            code[at] = code[at] with { JumpIfTrue = Skip(at, ifTrue), JumpIfFalse = Skip(at, ifFalse) };
        return code;
    }

    private byte Skip(int from, string? label)
    {
        if (label is null) return 0;
        int skip = _labels[label] - from - 1;
        if (skip is < 0 or > byte.MaxValue) throw new InvalidOperationException($"socket filter: cannot jump from {from} to '{label}'");
        return (byte)skip;
    }

    /// <summary>struct nlattr: u16 length, u16 type; the payload follows.</summary>
    private const uint AttributeHeader = 4;

    private SocketFilter Add(int code, uint operand)
    {
        _code.Add(new SocketFilterInstruction((ushort)code, 0, 0, operand));
        return this;
    }
}
