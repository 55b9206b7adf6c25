#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
#
# make_ca.sh DIR: a fresh local PKI for the TLS tests, made with the `openssl` command at test
# time (nothing checked in can expire). EC P-256 keys: quick to make. In DIR:
#   ca.pem ca.key                 the test root CA (what the client is told to trust)
#   localhost.pem/.key            valid leaf: DNS:localhost, IP:127.0.0.1, IP:::1 (chain: leaf, CA)
#   wronghost.pem/.key            valid leaf for DNS:other.example only
#   expired.pem/.key              leaf for localhost whose validity ended in 2020
#   selfsigned.pem/.key           self-signed leaf for localhost
#   untrusted.pem/.key            leaf for localhost (alone) from a second CA nobody trusts
# Prints nothing on success; exits non-zero (with openssl's message) on failure.
set -eu

dir=${1:?usage: make_ca.sh DIR}
mkdir -p "$dir"
cd "$dir"

san_localhost="subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A root CA: $1 name, $2 common name.
make_root() {
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 30 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# A leaf signed by CA $2: $1 name, $3 subjectAltName extension; the file holds leaf then CA (a
# server sends its chain), except for the untrusted CA's leaf, sent alone (so that a client
# knows nothing of its issuer: "unable to get local issuer certificate").
make_leaf() {
  key "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
  printf '%s\n%s\n%s\n' "$3" "basicConstraints=CA:FALSE" \
    "extendedKeyUsage=serverAuth" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 30 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  if [ "$2" = other-ca ]; then cp "$1.crt" "$1.pem"; else cat "$1.crt" "$2.pem" >"$1.pem"; fi
  rm -f "$1.csr" "$1.ext" "$1.crt"
}

make_root ca "socklite test CA"
make_root other-ca "socklite untrusted CA"
make_leaf localhost ca "$san_localhost"
make_leaf wronghost ca "subjectAltName=DNS:other.example"
make_leaf untrusted other-ca "$san_localhost"

# Self-signed: its own issuer, trusted by nobody.
key selfsigned.key
openssl req -x509 -new -key selfsigned.key -out selfsigned.pem -days 30 -subj "/CN=localhost" \
  -addext "$san_localhost" 2>/dev/null

# Expired: `openssl ca` takes explicit start and end dates (x509 -days cannot go backwards in
# OpenSSL 3.0), here both in the past.
mkdir -p ca-db
: >ca-db/index.txt
cat >ca-db/ca.cnf <<EOF
[ ca ]
default_ca = test
[ test ]
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
EOF
echo 01 >ca-db/serial
key expired.key
openssl req -new -key expired.key -out expired.csr -subj "/CN=expired" -addext "$san_localhost" \
  2>/dev/null
openssl ca -batch -config ca-db/ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr \
  -startdate 20200101000000Z -enddate 20200201000000Z -out expired.crt 2>/dev/null
# `openssl ca` writes a text dump before the PEM block: keep the certificate only.
openssl x509 -in expired.crt -out expired.leaf
cat expired.leaf ca.pem >expired.pem
rm -rf expired.csr expired.crt expired.leaf ca-db ca.srl other-ca.srl
