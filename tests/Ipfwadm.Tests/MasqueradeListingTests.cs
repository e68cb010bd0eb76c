using ClusterControl;
using ClusterControl.Firewall;
using Ipfwadm;

namespace Ipfwadm.Tests;

/// <summary>
/// docs/ipfwadm-spec.md §6.9 case 115 and §3.7: the -M -l listing of a masqueraded session. Sessions come from
/// conntrack, so the listing is fed one (pure formatting).
/// </summary>
public sealed class MasqueradeListingTests
{
    private static readonly MasqueradeEntry Session = new(RuleProtocol.Tcp,
        Ipv4Address.Parse("192.168.0.2"), 1025, Ipv4Address.Parse("10.1.1.1"), 80, 61000, ExpiresHundredths: 89999);

    [Fact]
    public void Case115OneTcpSession()
    {
        Assert.Equal(
            "IP masquerading entries\n"
            + "prot expire   source               destination          ports\n"
            + "tcp  14:59.99 192.168.0.2          10.1.1.1             1025 (61000) -> 80\n",
            new Listing(extended: false, numeric: true, exact: false).Masquerading([Session]));
    }

    [Fact]
    public void ExtendedAddsSequenceColumns()
    {
        Assert.Equal(
            "IP masquerading entries\n"
            + "prot expire      initseq delta prevd source               destination          ports\n"
            + "tcp  14:59.99          0     0     0 192.168.0.2          10.1.1.1             1025 (61000) -> 80\n",
            new Listing(extended: true, numeric: true, exact: false).Masquerading([Session]));
    }

    [Fact]
    public void ExtendedShowsTheOutgoingSequenceAdjustmentWithTheDeltasAsShorts()
    {
        var adjusted = Session with { InitialSequence = 3_000_000_000, Delta = -7, PreviousDelta = 70_000 };
        Assert.Equal(
            "IP masquerading entries\n"
            + "prot expire      initseq delta prevd source               destination          ports\n"
            + "tcp  14:59.99 3000000000    -7  4464 192.168.0.2          10.1.1.1             1025 (61000) -> 80\n",
            new Listing(extended: true, numeric: true, exact: false).Masquerading([adjusted]));
    }

    [Fact]
    public void NoSessionsOnlyTheHeader() =>
        Assert.Equal("IP masquerading entries\n", new Listing(extended: false, numeric: true, exact: false).Masquerading([]));
}
