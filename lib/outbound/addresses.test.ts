import { describe, expect, it } from 'vitest';
import { judgeAddress } from './index';

/** One case per way of writing an address Loupe must not call (SSRF), and the public ones it must. */
describe('outbound addresses: public unicast only', () => {
  it.each([
    ['IPv4 loopback', '127.0.0.1', 'a loopback address'],
    ['IPv4 loopback, elsewhere in 127/8', '127.255.0.9', 'a loopback address'],
    ['IPv4 private 10/8', '10.0.0.8', 'a private address'],
    ['IPv4 private 172.16/12', '172.16.4.4', 'a private address'],
    ['IPv4 private 192.168/16', '192.168.1.1', 'a private address'],
    ['IPv4 link-local (cloud metadata)', '169.254.169.254', 'a link-local address'],
    ['IPv4 shared address space (CGNAT)', '100.64.0.1', 'a shared (carrier-grade NAT) address'],
    ['IPv4 multicast', '224.0.0.1', 'a multicast address'],
    ['IPv4 unspecified', '0.0.0.0', 'an unspecified address'],
    ['IPv4 broadcast', '255.255.255.255', 'the broadcast address'],
    ['IPv4 documentation', '192.0.2.1', 'a reserved address'],
    ['IPv6 loopback', '::1', 'a loopback address'],
    ['IPv6 unspecified', '::', 'an unspecified address'],
    ['IPv6 link-local', 'fe80::1', 'a link-local address'],
    ['IPv6 link-local with a zone', 'fe80::1%eth0', 'a link-local address'],
    ['IPv6 unique local', 'fd00::1', 'a private (unique local) address'],
    ['IPv6 multicast', 'ff02::1', 'a multicast address'],
    ['IPv6 documentation', '2001:db8::1', 'a reserved address'],
    ['IPv4-mapped loopback, dotted', '::ffff:127.0.0.1', '127.0.0.1 inside, a loopback address'],
    ['IPv4-mapped loopback, hex', '::ffff:7f00:1', '127.0.0.1 inside, a loopback address'],
    ['IPv4-compatible loopback, dotted (the attack: http://[::127.0.0.1]/)', '::7f00:1', '127.0.0.1 inside, a loopback address'],
    ['IPv4-compatible private', '::a00:1', '10.0.0.1 inside, a private address'],
    ['IPv4-translated loopback (the attack: http://[::ffff:0:7f00:1]/)', '::ffff:0:7f00:1', '127.0.0.1 inside, a loopback address'],
    ['6to4 of loopback (the attack: http://[2002:7f00:1::]/)', '2002:7f00:1::', '127.0.0.1 inside, a loopback address'],
    ['6to4 of a private address', '2002:c0a8:101::1', '192.168.1.1 inside, a private address'],
    ['NAT64 of the metadata address', '64:ff9b::a9fe:a9fe', '169.254.169.254 inside, a link-local address'],
    ['NAT64 local-use prefix', '64:ff9b:1::7f00:1', 'an IPv6 translation address whose IPv4 address cannot be located'],
    ['Teredo with a loopback client', '2001:0:808:808:0:0:80ff:fffe', '127.0.0.1 inside, a loopback address'],
    ['Teredo with a private server', '2001:0:a00:1:0:0:f7f7:f7f7', '10.0.0.1 inside, a private address'],
    ['not an address', 'not-an-ip', 'not an IP address'],
  ])('refuses %s (%s)', (_form, address, why) => {
    expect(judgeAddress(address)).toEqual({ allowed: false, why });
  });

  it.each([
    ['a public IPv4 address', '93.184.216.34'],
    ['a public IPv4 address next to a private range', '172.32.0.1'],
    ['a public IPv6 address', '2606:4700:4700::1111'],
    ['an IPv4-mapped public address', '::ffff:8.8.8.8'],
    ['a 6to4 address of a public one', '2002:808:808::1'],
    ['a Teredo address whose server and client are public', '2001:0:808:808:0:0:f7f7:f7f7'],
  ])('allows %s (%s)', (_form, address) => {
    expect(judgeAddress(address)).toEqual({ allowed: true });
  });
});
