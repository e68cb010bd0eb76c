using Clusterd.Kernel.Netlink;
using Clusterd.Kernel.Routing;

namespace Clusterd.Tests;

/// <summary>rtnetlink address and link messages read from their bytes, as the -V rules' address watch gets them.</summary>
public sealed class AddressNetlinkTests
{
    [Fact]
    public void AddressIsTheLocalOneOfItsInterface()
    {
        var writer = new NetlinkWriter();
        writer.Begin(AddressMessage.RTM_NEWADDR, 0, [Netlink.AF_INET, 32, 0, 0, 7, 0, 0, 0]);
        writer.Attribute(1, [198, 51, 100, 9]); // IFA_ADDRESS: the peer, on a point-to-point link
        writer.Attribute(2, [10, 0, 0, 254]);   // IFA_LOCAL
        writer.End();
        Assert.Equal(new AddressMessage(7, ClusterControl.Ipv4Address.Parse("10.0.0.254")), Single<AddressMessage>(writer, AddressMessage.TryParse));
    }

    [Fact]
    public void LinkNameEndsAtItsNul()
    {
        var writer = new NetlinkWriter();
        writer.Begin(LinkMessage.RTM_NEWLINK, 0, [0, 0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        writer.String(3, "fe-cl");
        writer.End();
        Assert.Equal(new LinkMessage(3, "fe-cl"), Single<LinkMessage>(writer, LinkMessage.TryParse));
    }

    [Fact]
    public void Ipv6AndShortMessagesAreNotAddresses()
    {
        var writer = new NetlinkWriter();
        writer.Begin(AddressMessage.RTM_NEWADDR, 0, [10, 64, 0, 0, 7, 0, 0, 0]);
        writer.Attribute(2, new byte[16]);
        writer.End();
        writer.Begin(AddressMessage.RTM_NEWADDR, 0, [Netlink.AF_INET, 32]);
        writer.End();
        foreach (var message in new NetlinkMessages(writer.Written))
            Assert.False(AddressMessage.TryParse(message, out _));
    }

    private delegate bool Parser<T>(NetlinkMessage message, out T value);

    private static T Single<T>(NetlinkWriter writer, Parser<T> parse)
    {
        foreach (var message in new NetlinkMessages(writer.Written))
        {
            Assert.True(parse(message, out var value));
            return value;
        }
        throw new InvalidOperationException("no message");
    }
}
