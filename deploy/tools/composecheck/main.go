// composecheck loads a compose file the way `docker compose config` does
// (compose-go: YAML anchors and merges, ${VAR} interpolation with required
// variables, schema and cross-reference checks) and prints the resolved
// project as JSON. It stands in for the compose CLI plugin, which needs a
// Docker installation that CI machines do not have.
//
//	composecheck [-env-file FILE]... COMPOSE_FILE
//
// Exit status 1 and the loader's message on stderr when the file is invalid.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var envFiles multi
	flag.Var(&envFiles, "env-file", "env file for interpolation (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: composecheck [-env-file FILE]... COMPOSE_FILE")
		os.Exit(2)
	}
	// Only the given env files count: no OS environment and no implicit .env,
	// so a developer's shell cannot change what a test sees.
	fns := []cli.ProjectOptionsFn{
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
	}
	if len(envFiles) > 0 {
		fns = append(fns, cli.WithEnvFiles(envFiles...), cli.WithDotEnv)
	}
	opts, err := cli.NewProjectOptions([]string{flag.Arg(0)}, fns...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(out))
}
