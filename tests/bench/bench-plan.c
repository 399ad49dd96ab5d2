/* SPDX-License-Identifier: MIT */
/*
 * bench-plan: the certificate plan of a generated 100-server Topology Builder document.
 *
 *   bench-plan [--repeat N] [--write FILE]
 *
 * The topology (made here, in memory): three SIP domains and their simple URLs; 20 Front End
 * pools of 4 servers with web services (external FQDN each), 4 Director pools of 2 servers, 4
 * Edge pools of 2 servers with Access / Web Conferencing / A/V / XMPP FQDNs, and 4 stand-alone
 * Mediation Servers: 100 servers, 372 certificates. Measured, as CPU time of this thread: load
 * (ucp_topology_load_data: the XML and every server's facts), plan (ucp_deployment_new), render
 * (JSON) and the sum. Prints one line per measure (best and median of N, default 20) and a last
 * line "plan-100 total-ms BEST"; --write also saves the document (for `ucpolicy plan`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ucpolicy.h"

struct sb {
    char *p;
    size_t n, cap;
};

static void add(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void add(struct sb *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0)
            exit(99);
        if (b->p && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        b->cap = (b->cap + (size_t)k + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            exit(99);
    }
}

static unsigned uid;

static void pool(struct sb *b, const char *fqdn, int machines, const char *prefix, int first)
{
    add(b, "<Cluster IsSingleMachineOnly=\"%s\" UniqueId=\"c%u\" Fqdn=\"%s\"><Machines>", machines == 1 ? "true" : "false",
        ++uid, fqdn);
    for (int m = 0; m < machines; m++)
        add(b, "<Machine Fqdn=\"%s%02d.contoso.com\" />", prefix, first + m);
    add(b, "</Machines></Cluster>\n");
}

static void service(struct sb *b, unsigned cluster, const char *role, const char *inner)
{
    add(b, "<Service UniqueId=\"s%u\" RoleName=\"%s\" RoleVersion=\"1\" InstalledOn=\"c%u\" ServiceVersion=\"8\">"
           "%s</Service>\n", cluster * 10 + (unsigned)strlen(role), role, cluster, inner);
}

static char *topology(size_t *length)
{
    struct sb b = {NULL, 0, 0};
    const char *ns_sr = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008";
    add(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            "<TopologyBuilder xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008\"><NewTopology>"
            "<PartialTopology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008\">\n"
            "<InternalDomains DefaultDomain=\"contoso.com\" xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">"
            "<InternalDomain Name=\"contoso.com\" /><InternalDomain Name=\"fabrikam.com\" />"
            "<InternalDomain Name=\"litwareinc.com\" /></InternalDomains>\n"
            "<SimpleUrlConfiguration xmlns=\"urn:schema:Microsoft.Rtc.Management.Settings.SimpleUrl.2008\">"
            "<SimpleUrl Component=\"Meet\" Domain=\"contoso.com\" ActiveUrl=\"https://meet.contoso.com\" />"
            "<SimpleUrl Component=\"Meet\" Domain=\"fabrikam.com\" ActiveUrl=\"https://meet.fabrikam.com\" />"
            "<SimpleUrl Component=\"Dialin\" Domain=\"*\" ActiveUrl=\"https://dialin.contoso.com\" />"
            "<SimpleUrl Component=\"Cscp\" Domain=\"*\" ActiveUrl=\"https://admin.contoso.com\" />"
            "</SimpleUrlConfiguration>\n<CentralSites><CentralSite SiteId=\"1\"><Clusters>\n");
    char name[128];
    uid = 0;
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "pool%02d.contoso.com", i);
        pool(&b, name, 4, "fe", i * 4);
    }
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "dirpool%02d.contoso.com", i);
        pool(&b, name, 2, "dir", i * 2);
    }
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "edgepool%02d.contoso.com", i);
        pool(&b, name, 2, "edge", i * 2);
    }
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "med%02d.contoso.com", i);
        pool(&b, name, 1, "med", i);
    }
    add(&b, "</Clusters></CentralSite></CentralSites>\n<Services>\n");
    char inner[2048];
    for (unsigned c = 1; c <= 20; c++) {
        snprintf(inner, sizeof inner, "<Ports xmlns=\"%s\"><Port Owner=\"urn:component:Registrar\" Usage=\"SipServer\" "
                 "InterfaceSide=\"Primary\" InterfaceNumber=\"1\" Port=\"5061\" Protocol=\"Mtls\" /></Ports>"
                 "<RegistrarService IsDirector=\"false\" xmlns=\"%s\" />", ns_sr, ns_sr);
        service(&b, c, "Registrar", inner);
        snprintf(inner, sizeof inner, "<WebService xmlns=\"%s\"><ExternalSettings Host=\"webext%02u.contoso.com\" />"
                 "</WebService>", ns_sr, c);
        service(&b, c, "WebServices", inner);
    }
    for (unsigned c = 21; c <= 24; c++) {
        snprintf(inner, sizeof inner, "<RegistrarService IsDirector=\"true\" xmlns=\"%s\" />", ns_sr);
        service(&b, c, "Registrar", inner);
        snprintf(inner, sizeof inner, "<WebService xmlns=\"%s\"><ExternalSettings Host=\"dirweb%02u.contoso.com\" />"
                 "</WebService>", ns_sr, c);
        service(&b, c, "WebServices", inner);
    }
    for (unsigned c = 25; c <= 28; c++) {
        snprintf(inner, sizeof inner,
                 "<Ports xmlns=\"%s\">"
                 "<Port Owner=\"urn:component:AccessEdge\" Usage=\"SipClient\" InterfaceSide=\"External\" InterfaceNumber=\"1\" "
                 "Port=\"5061\" Protocol=\"Tls\" ConfiguredFqdn=\"sip%02u.contoso.com\" />"
                 "<Port Owner=\"urn:component:DataEdge\" Usage=\"PsomClient\" InterfaceSide=\"External\" InterfaceNumber=\"1\" "
                 "Port=\"444\" Protocol=\"Tls\" ConfiguredFqdn=\"webconf%02u.contoso.com\" />"
                 "<Port Owner=\"urn:component:MediaRelayEdge\" Usage=\"TURNServer\" InterfaceSide=\"External\" "
                 "InterfaceNumber=\"1\" Port=\"443\" Protocol=\"Tcp\" ConfiguredFqdn=\"av%02u.contoso.com\" />"
                 "<Port Owner=\"urn:component:XmppFederationProxy\" Usage=\"XmppServer\" InterfaceSide=\"External\" "
                 "InterfaceNumber=\"1\" Port=\"5269\" Protocol=\"Tls\" /></Ports>",
                 ns_sr, c, c, c);
        service(&b, c, "EdgeServer", inner);
    }
    for (unsigned c = 29; c <= 32; c++)
        service(&b, c, "MediationServer", "");
    add(&b, "</Services>\n</PartialTopology></NewTopology></TopologyBuilder>\n");
    *length = b.n;
    return b.p;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    printf("plan-100 %-7s best %7.2f ms, median %7.2f ms (%d runs, CPU time)\n", what, v[0], v[n / 2], n);
}

int main(int argc, char **argv)
{
    int repeat = 20;
    const char *write = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--write") == 0 && i + 1 < argc)
            write = argv[++i];
        else {
            fprintf(stderr, "usage: bench-plan [--repeat N] [--write FILE]\n");
            return 2;
        }
    }
    if (repeat < 1 || repeat > 10000)
        repeat = 20;
    size_t length;
    char *xml = topology(&length);
    if (write) {
        FILE *f = fopen(write, "wb");
        if (!f || fwrite(xml, 1, length, f) != length || fclose(f) != 0) {
            perror(write);
            return 1;
        }
    }
    double *load = calloc((size_t)repeat, sizeof *load), *plan = calloc((size_t)repeat, sizeof *plan);
    double *render = calloc((size_t)repeat, sizeof *render), *total = calloc((size_t)repeat, sizeof *total);
    if (!load || !plan || !render || !total)
        return 99;
    size_t servers = 0, certificates = 0;
    for (int r = 0; r < repeat; r++) {
        ucp_topology *t = NULL;
        ucp_deployment *d = NULL;
        ucp_buffer out = {NULL, 0};
        double t0 = cpu_ms();
        if (ucp_topology_new(&t) != UCP_OK || ucp_topology_load_data(t, (const uint8_t *)xml, length, "plan-100") != UCP_OK) {
            fprintf(stderr, "bench-plan: %s\n", ucp_error_message(ucp_error_last()));
            return 1;
        }
        double t1 = cpu_ms();
        if (ucp_deployment_new(&d, t) != UCP_OK) {
            fprintf(stderr, "bench-plan: %s\n", ucp_error_message(ucp_error_last()));
            return 1;
        }
        double t2 = cpu_ms();
        if (ucp_deployment_render(d, NULL, UCP_OUTPUT_JSON, 0, &out) != UCP_OK)
            return 1;
        double t3 = cpu_ms();
        servers = ucp_deployment_server_count(d);
        certificates = 0;
        for (size_t s = 0; s < servers; s++)
            certificates += ucp_deployment_need_count(d, s);
        ucp_buffer_dispose(&out);
        ucp_deployment_free(d);
        ucp_topology_free(t);
        load[r] = t1 - t0;
        plan[r] = t2 - t1;
        render[r] = t3 - t2;
        total[r] = t3 - t0;
    }
    if (servers != 100) {
        fprintf(stderr, "bench-plan: the generated topology has %zu servers, not 100\n", servers);
        return 1;
    }
    printf("plan-100: %zu servers, %zu certificates, a %zu-byte Topology Builder document\n", servers, certificates,
           length);
    report("load", load, repeat);
    report("plan", plan, repeat);
    report("render", render, repeat);
    report("total", total, repeat);
    printf("plan-100 total-ms %.3f\n", total[0]);
    free(load);
    free(plan);
    free(render);
    free(total);
    free(xml);
    return 0;
}
