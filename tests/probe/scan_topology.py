# SPDX-License-Identifier: MIT
"""Topology Builder documents for the scan tests and the scan benchmark, made at test time.

make(servers) returns a .tbxml text in which each server is a Standard Edition pool of its own
(sip domain contoso.com). A server is a dict: fqdn, and any of sip (the port of its Registrar, a
Mtls SIP port), web (the port of its internal web site, Https) and director (bool).
"""
from xml.sax.saxutils import quoteattr

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<TopologyBuilder xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008">
  <NewTopology>
    <PartialTopology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008">
      <InternalDomains DefaultDomain="contoso.com" xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">
        <InternalDomain Name="contoso.com" />
      </InternalDomains>
      <CentralSites>
        <CentralSite SiteId="1">
          <Clusters>
"""
MID = """          </Clusters>
        </CentralSite>
      </CentralSites>
      <Services>
"""
TAIL = """      </Services>
    </PartialTopology>
  </NewTopology>
</TopologyBuilder>
"""
SR = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008"


def make(servers):
    clusters, services = [], []
    for i, s in enumerate(servers, 1):
        uid = f"11111111-0000-4000-8000-{i:012d}"
        fqdn = quoteattr(s["fqdn"])
        clusters.append(f'            <Cluster IsSingleMachineOnly="true" UniqueId="{uid}" Fqdn={fqdn}>\n'
                        f'              <Machines><Machine Fqdn={fqdn} /></Machines>\n'
                        f'            </Cluster>\n')
        ports = []
        if "sip" in s:
            ports.append(f'<Port Owner="urn:component:Registrar" Usage="SipServer" InterfaceSide="Primary" '
                         f'InterfaceNumber="1" Port="{s["sip"]}" Protocol="Mtls" />')
        director = "true" if s.get("director") else "false"
        services.append(f'        <Service UniqueId="{uid[:-4]}a{i % 1000:03d}" RoleName="Registrar" InstalledOn="{uid}" '
                        f'ServiceVersion="8">\n          <Ports xmlns="{SR}">{"".join(ports)}</Ports>\n'
                        f'          <RegistrarService IsDirector="{director}" xmlns="{SR}" />\n        </Service>\n')
        if "web" in s:
            services.append(f'        <Service UniqueId="{uid[:-4]}b{i % 1000:03d}" RoleName="WebServices" '
                            f'InstalledOn="{uid}" ServiceVersion="8">\n          <Ports xmlns="{SR}">'
                            f'<Port Owner="urn:component:OCSWebSite" Usage="WebSite" InterfaceSide="Primary" '
                            f'InterfaceNumber="1" Port="{s["web"]}" Protocol="Https" /></Ports>\n'
                            f'        </Service>\n')
    return HEAD + "".join(clusters) + MID + "".join(services) + TAIL
