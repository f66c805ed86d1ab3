#!/usr/bin/perl
# milter-hold.pl - open N milter sessions to one socket and hold them open, for
# P5 (the milter's memory with many concurrent SMTP sessions). Each session
# speaks the milter protocol as an MTA would up to MAIL FROM: option
# negotiation, connect, HELO, MAIL, honouring the steps and replies the filter
# negotiated away. Prints "held N" when every session is set up, then waits for
# end of input (or a signal) and closes them all.
#
# usage: milter-hold.pl SOCKETPATH N
use strict;
use warnings;
use IO::Socket::UNIX;

my ($path, $n) = @ARGV;
die "usage: milter-hold.pl SOCKETPATH N\n" unless defined $n;
$| = 1;

sub packet { my ($cmd, $data) = @_; return pack('N', 1 + length $data) . $cmd . $data; }

sub reply {
    my ($s) = @_;
    my $len = '';
    while (length $len < 4) { my $r = sysread($s, $len, 4 - length $len, length $len); die "milter closed\n" unless $r; }
    my $want = unpack('N', $len);
    my $body = '';
    while (length $body < $want) { my $r = sysread($s, $body, $want - length $body, length $body); die "milter closed\n" unless $r; }
    return $body;
}

my @held;
for my $i (1 .. $n) {
    my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path) or die "connect $i: $!\n";
    syswrite($s, packet('O', pack('NNN', 6, 0x1ff, 0x1fffff)));
    my $neg = reply($s);
    my (undef, undef, $proto) = unpack('NNN', substr($neg, 1));
    my @steps = (
        [0x01, 0x1000, 'C', "client$i.src.bench.test\0" . '4' . pack('n', 40000 + $i % 20000) . "127.0.0.1\0"],
        [0x02, 0x2000, 'H', "client$i.src.bench.test\0"],
        [0x04, 0x4000, 'M', "<bench\@src.bench.test>\0"],
    );
    for my $st (@steps) {
        my ($skip, $noreply, $cmd, $data) = @$st;
        next if $proto & $skip;
        syswrite($s, packet($cmd, $data));
        next if $proto & $noreply;
        my $r = reply($s);
        die "session $i: step $cmd refused (" . substr($r, 0, 1) . ")\n" unless substr($r, 0, 1) eq 'c';
    }
    push @held, $s;
}
print "held $n\n";
1 while <STDIN>;
close $_ for @held;
