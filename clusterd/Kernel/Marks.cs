namespace Clusterd.Kernel;

/// <summary>
/// How clusterd uses the 32-bit packet and conntrack mark. Two tag bits keep its marks apart
/// from each other and from zero:
/// <list type="bullet">
/// <item><c>0x40000000 | n</c> — node n; set by a verdict, saved in the conntrack mark, restored on
/// every later packet of the connection, and the key of the route table and the DNAT map.</item>
/// <item><c>0x80000000 | id</c> — set by cluster rule <c>id</c> just before the packet is queued, so
/// the verdict loop knows which rule (pool, static node) matched.</item>
/// </list>
/// The conntrack mark also carries <see cref="MasqueradeBit"/> on connections a forward rule
/// masquerades; it is masked off when a node mark is restored.
/// </summary>
public static class Marks
{
    public const uint NodeTag = 0x4000_0000, RuleTag = 0x8000_0000, TagMask = 0xc000_0000;
    public const uint MasqueradeBit = 0x2000_0000;

    public static uint ForNode(int nodeId) => NodeTag | (uint)nodeId;

    public static bool IsNode(uint mark) => (mark & TagMask) == NodeTag;

    public static int NodeOf(uint mark) => (int)(mark & ~TagMask);

    public static bool IsRule(uint mark) => (mark & TagMask) == RuleTag;

    public static int RuleOf(uint mark) => (int)(mark & ~TagMask);

    public static string Hex(uint mark) => $"0x{mark:x8}";
}
