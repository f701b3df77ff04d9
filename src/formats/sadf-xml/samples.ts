/**
 * Real `sadf -x sa03 -- -n TCP,ETCP,SOCK` output (sysstat 12.6.1; sadc -S SNMP while a local
 * client opened ~400 connections a second), checked by test/formats/registry.test.ts.
 */
export const SAMPLES = [
  `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE sysstat PUBLIC "DTD v3.11 sysstat //EN"
"http://pagesperso-orange.fr/sebastien.godard/sysstat-3.11.dtd">
<sysstat
xmlns="http://pagesperso-orange.fr/sebastien.godard/sysstat"
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
xsi:schemaLocation="http://pagesperso-orange.fr/sebastien.godard sysstat.xsd">
	<sysdata-version>3.11</sysdata-version>
	<host nodename="vm">
		<sysname>Linux</sysname>
		<release>6.18.44-fc-v1045</release>
		<machine>x86_64</machine>
		<number-of-cpus>2</number-of-cpus>
		<file-date>2026-12-03</file-date>
		<file-utc-time>04:15:35</file-utc-time>
		<timezone>UTC</timezone>
		<statistics>
			<timestamp date="2026-12-03" time="04:15:36" utc="1" interval="1">
				<network per="second">
					<net-sock totsck="36" tcpsck="1" udpsck="0" rawsck="0" ip-frag="0" tcp-tw="160"/>
					<net-tcp active="160.00" passive="160.00" iseg="974.00" oseg="974.00"/>
					<net-etcp atmptf="0.00" estres="0.00" retrans="0.00" isegerr="0.00" orsts="0.00"/>
				</network>
			</timestamp>
			<timestamp date="2026-12-03" time="04:15:37" utc="1" interval="1">
				<network per="second">
					<net-sock totsck="36" tcpsck="1" udpsck="0" rawsck="0" ip-frag="0" tcp-tw="560"/>
					<net-tcp active="396.04" passive="396.04" iseg="2393.07" oseg="2393.07"/>
					<net-etcp atmptf="0.00" estres="0.00" retrans="0.00" isegerr="0.00" orsts="0.00"/>
				</network>
			</timestamp>
		</statistics>
		<restarts>
		</restarts>
	</host>
</sysstat>
`,
];
