namespace Clconfig;

/// <summary>The help text: the whole language on one screen.</summary>
public static class Usage
{
    public const string Text = """
        Usage: clconfig COMMAND ...
        Configure the pools of the ip_cluster front-end (clusterd).

          clconfig -add POOL ADDR [up|down] [cost N]   add node ADDR to POOL (default up, cost 10)
          clconfig -set POOL ADDR [up|down] [cost N]   change a node's state and/or cost
          clconfig -set POOL ADDR drain [timeout S]    no new connections; end the rest after S s
          clconfig -del POOL ADDR                      remove a node (its connections keep flowing)
          clconfig -list [POOL] [--json]               show pools and nodes
          clconfig -status [--json]                    show pools, nodes and live connections
                                                       (the ip_cluster status file)
          clconfig -rate [POOL] [--json]               new connections per second per node
          clconfig -watch [POOL]                       live view of the nodes, every second
                                                       (q or Ctrl-C quits)
          clconfig -create POOL [route|masq] [leastload|maglev]
                                                       create an empty pool (default route, leastload)
          clconfig -forward POOL route|masq            change a pool's forwarding method
          clconfig -scheduler POOL leastload|maglev    change how a pool chooses nodes
          clconfig -destroy POOL                       remove an unused pool
          clconfig -debug N                            set clusterd's debug verbosity (0 = off)
          clconfig -check POOL [ADDR] CHECK [interval MS] [timeout MS] [rise N] [fall N]
                                                       health-check a pool's nodes (or one node);
                                                       CHECK is tcp PORT, shared PORT, none,
                                                       http PORT PATH [expect CODE], exec COMMAND,
                                                       or for a node default (as its pool)
          clconfig -sticky POOL SECONDS [mask M] | 0   keep a client (address under mask M) on
                                                       its node; 0 or none: off
          clconfig -slowstart POOL SECONDS | 0         ramp a node that comes back up over SECONDS
          clconfig -save                               print the configuration as a script of
                                                       clconfig and ipfwadm commands
          clconfig -ping [DIGEST]                      health probe: is clusterd answering and
                                                       working (and is its configuration DIGEST)?
          clconfig -h | --help                         show this help
          clconfig --version                           show the version

        POOL is pool0, pool1, ...; ADDR is a dotted quad; N (cost) is 1..65535.
        Environment: CLUSTERD_SOCKET names clusterd's control socket
        (default /run/ip_cluster/clusterd.sock).
        Exit status: 0 done, 1 refused by clusterd or clusterd unreachable, 2 usage error;
        -ping also 3 clusterd stalled, 4 configuration digest differs.

        """;
}
