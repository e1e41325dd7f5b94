#!/usr/bin/perl
# Harvests a whole OAI-PMH repository with ListRecords through
# HTTP::OAI::Harvester (Debian package libhttp-oai-perl), following
# resumption tokens, and prints one line per record:
#   identifier <TAB> "deleted" or "-" <TAB> datestamp <TAB> payload
# where payload is "{namespace}name" of the metadata's root element as the
# harvester parsed it ("-" for a deleted record).
# Usage: harvest.pl BASE_URL METADATA_PREFIX [SET]
use strict;
use warnings;
use HTTP::OAI;

my ($base, $prefix, $set) = @ARGV;
die "usage: harvest.pl BASE_URL METADATA_PREFIX [SET]\n" unless $base && $prefix;

my $harvester = HTTP::OAI::Harvester->new(baseURL => $base);
my $response = $harvester->ListRecords(
	metadataPrefix => $prefix,
	($set ? (set => $set) : ()),
	onRecord       => sub {
		my $record = shift;
		my $header = $record->header;
		my $payload = "-";
		if (my $md = $record->metadata) {
			# a fragment holding <metadata>, or the payload itself
			my ($root) = grep { $_->nodeType == 1 } $md->dom->childNodes;
			($root) = grep { $_->nodeType == 1 } $root->childNodes if $root && $root->localname eq "metadata";
			$payload = sprintf "{%s}%s", $root->namespaceURI, $root->localname if $root;
		}
		printf "%s\t%s\t%s\t%s\n", $header->identifier, ($header->is_deleted ? "deleted" : "-"), $header->datestamp, $payload;
	},
);
die "harvest failed: ", $response->code, " ", $response->message, "\n" if $response->is_error;
