package useraccounts

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	u, err := ParseUser("app:x:998:997:SPICE:/opt/spice-harvester:/usr/sbin/nologin\n")
	require.NoError(t, err)
	require.Equal(t, User{Name: "app", UID: 998, GID: 997, Home: "/opt/spice-harvester", Shell: "/usr/sbin/nologin"}, u)
	_, err = ParseUser("app:x:998")
	require.Error(t, err)
	groups := ParseGroups("docker:x:999:app,bob\napp:x:997:\nadm:x:4:syslog,app\nbroken\n")
	require.Equal(t, []Group{{"docker", 999, []string{"app", "bob"}}, {"app", 997, nil}, {"adm", 4, []string{"syslog", "app"}}}, groups)
	require.Equal(t, []string{"adm", "docker"}, MemberOf(groups, "app"))
}

func TestArgv(t *testing.T) {
	require.Equal(t, []string{"useradd", "--create-home", "--system", "--uid", "990", "--gid", "spice", "--home-dir", "/opt/app", "--shell", "/bin/sh", "--groups", "docker,adm", "--", "app"},
		UseraddArgv(UserSpec{Name: "app", System: true, UID: 990, Group: "spice", Home: "/opt/app", Shell: "/bin/sh", Groups: []string{"docker", "adm"}}))
	have := User{Name: "app", UID: 990, Home: "/opt/app", Shell: "/bin/sh", Groups: []string{"adm", "docker"}}
	require.Nil(t, UsermodArgv(have, UserSpec{Name: "app", Groups: []string{"docker", "adm"}}), "same set, other order")
	require.Nil(t, UsermodArgv(have, UserSpec{Name: "app"}), "groups unmanaged")
	require.Equal(t, []string{"usermod", "--shell", "/bin/bash", "--groups", "", "--", "app"},
		UsermodArgv(have, UserSpec{Name: "app", Shell: "/bin/bash", Groups: []string{}}))
	require.Equal(t, []string{"userdel", "--", "app"}, UserdelArgv("app", false))
	require.Equal(t, []string{"gpasswd", "--delete", "app", "docker"}, MembershipArgv("app", "docker", false))
	require.Equal(t, []string{"groupadd", "--system", "--gid", "500", "--", "docker"}, GroupaddArgv("docker", true, 500))
}
